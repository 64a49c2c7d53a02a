import {HttpHooksError} from '../errors.js';

/** Why a webhook was refused: a stable code to branch on (the message says it in words). */
export type VerificationReason =
	| 'missing_header'
	| 'bad_header'
	| 'bad_timestamp'
	| 'timestamp_too_old'
	| 'timestamp_in_future'
	| 'no_matching_signature'
	| 'bad_body'
	| 'body_not_utf8'
	| 'bad_json';

/**
 * A webhook that failed verification: answer it with 400 (or 401) and do not act on it. `reason`
 * is one of VerificationReason; the message names the header or value at fault, never the secret.
 */
export class WebhookVerificationError extends HttpHooksError {
	readonly reason: VerificationReason;

	constructor(reason: VerificationReason, message: string) {
		super(message);
		this.reason = reason;
	}

	/** The same as `reason`, for code that reads `error.code` as Node.js errors have it. */
	get code(): VerificationReason {
		return this.reason;
	}
}
