import {createHmac} from 'node:crypto';
import {HttpHooksError} from '../errors.js';

export type SignatureHeaders = {'webhook-timestamp': string; 'webhook-signature': string};

/** The key of a `whsec_…` secret: the bytes its base64 part encodes. */
export function secretKey(secret: string): Buffer {
	const match = /^whsec_([A-Za-z\d+/]+={0,2})$/.exec(secret.trim());
	if (!match) {
		throw new HttpHooksError('A hook secret must be "whsec_" followed by base64 (the Standard Webhooks format)');
	}

	return Buffer.from(match[1]!, 'base64');
}

/**
 * Standard Webhooks signing: `webhook-signature` is `v1,` and the base64 HMAC-SHA256 of
 * `id.timestamp.body`, keyed with the secret's bytes; the timestamp is in Unix seconds. With
 * several keys there is one signature per key, as the specification allows.
 */
export function signatureHeaders(key: Buffer | Buffer[], webhookId: string, body: string, now: Date = new Date()): SignatureHeaders {
	const timestamp = String(Math.floor(now.getTime() / 1000));
	// Several keys (a secret being rotated): one signature each, space-separated, newest first.
	const signatures = (Array.isArray(key) ? key : [key]).map(each => `v1,${createHmac('sha256', each).update(`${webhookId}.${timestamp}.${body}`).digest('base64')}`);
	return {'webhook-timestamp': timestamp, 'webhook-signature': signatures.join(' ')};
}
