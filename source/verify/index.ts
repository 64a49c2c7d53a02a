// The receiver's side, on its own subpath (`sequelize-http-hooks/verify`): no Sequelize, no driver.
export {verifyWebhook, type VerifyWebhookOptions} from './verify-webhook.js';
export {WebhookVerificationError, type VerificationReason} from './verification-error.js';
export type {HeadersInput} from './read-headers.js';
