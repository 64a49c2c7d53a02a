import {createHmac, timingSafeEqual} from 'node:crypto';
import {secretKey} from '../delivery/sign.js';
import {quote} from '../errors.js';
import {requiredHeader, type HeadersInput} from './read-headers.js';
import {WebhookVerificationError} from './verification-error.js';

export type VerifyWebhookOptions = {
	/** The hook's `whsec_…` secret; during a rotation on your side, both (any one may match). */
	secret: string | readonly string[];
	/** The request's headers: Node.js `req.headers`, a fetch `Headers`, or a plain object. */
	headers: HeadersInput;
	/** The raw body exactly as received: a Buffer (best) or the string it decodes to. Never a re-serialised object. */
	body: string | Uint8Array;
	/** How far `webhook-timestamp` may be from now, either way (default 300 s, as Standard Webhooks says). */
	toleranceSeconds?: number;
	/** The time to check against (tests); default now. */
	now?: Date;
};

const defaultToleranceSeconds = 300;
// A day at most: a larger window makes a captured request replayable for longer than any retry needs.
const maxToleranceSeconds = 86_400;

function keysOf(secret: unknown): Buffer[] {
	const secrets = Array.isArray(secret) ? secret as unknown[] : [secret];
	if (secrets.length === 0) {
		throw new TypeError('verifyWebhook: secret is an empty list; give the hook\'s "whsec_…" secret');
	}

	return secrets.map((each, index) => {
		if (typeof each !== 'string') {
			throw new TypeError(`verifyWebhook: secret${Array.isArray(secret) ? `[${index}]` : ''} must be the hook's "whsec_…" secret (a string), got ${typeof each}`);
		}

		try {
			const key = secretKey(each);
			if (key.length === 0) {
				throw new Error('empty');
			}

			return key;
		} catch {
			throw new TypeError(`verifyWebhook: secret${Array.isArray(secret) ? `[${index}]` : ''} must be "whsec_" followed by base64 (the Standard Webhooks format)`);
		}
	});
}

function bodyBytes(body: unknown): Buffer {
	if (typeof body === 'string') {
		return Buffer.from(body, 'utf8');
	}

	if (body instanceof Uint8Array) {
		return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
	}

	throw new WebhookVerificationError('bad_body', `The body must be the raw body as received (a Buffer or a string), got ${body === null ? 'null' : typeof body}: a parsed and re-serialised body does not match its signature`);
}

function checkTolerance(value: unknown): number {
	if (value === undefined) {
		return defaultToleranceSeconds;
	}

	if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > maxToleranceSeconds) {
		throw new TypeError(`verifyWebhook: toleranceSeconds must be a number from 0 to ${maxToleranceSeconds}, got ${quote(typeof value === 'number' ? String(value) : value)}`);
	}

	return value;
}

/** The Unix time in `webhook-timestamp`, checked to be within the tolerance of now. */
function checkTimestamp(text: string, toleranceSeconds: number, now: Date): number {
	if (!/^\d{1,12}$/.test(text)) {
		throw new WebhookVerificationError('bad_timestamp', `Header webhook-timestamp ${quote(text)} is not a Unix time in seconds`);
	}

	const timestamp = Number(text);
	const nowSeconds = Math.floor(now.getTime() / 1000);
	if (timestamp < nowSeconds - toleranceSeconds) {
		throw new WebhookVerificationError('timestamp_too_old', `Header webhook-timestamp ${text} is ${nowSeconds - timestamp} s old, more than the ${toleranceSeconds} s allowed: a replay, or clocks apart`);
	}

	if (timestamp > nowSeconds + toleranceSeconds) {
		throw new WebhookVerificationError('timestamp_in_future', `Header webhook-timestamp ${text} is ${timestamp - nowSeconds} s in the future, more than the ${toleranceSeconds} s allowed: clocks apart`);
	}

	return timestamp;
}

/** True when one of the `v1,<base64>` signatures (space-separated) is the HMAC of the content with one of the keys. */
function signatureMatches(header: string, keys: Buffer[], content: Buffer): boolean {
	const expected = keys.map(key => createHmac('sha256', key).update(content).digest());
	for (const entry of header.split(' ')) {
		const [version, signature] = entry.split(',', 2);
		// Other versions (v1a: asymmetric) are skipped, as the specification says.
		if (version !== 'v1' || signature === undefined || !/^[A-Za-z\d+/]+={0,2}$/.test(signature)) {
			continue;
		}

		const given = Buffer.from(signature, 'base64');
		if (expected.some(each => each.length === given.length && timingSafeEqual(each, given))) {
			return true;
		}
	}

	return false;
}

function parseBody(bytes: Buffer, contentType: string | undefined): unknown {
	let text: string;
	try {
		text = new TextDecoder('utf-8', {fatal: true}).decode(bytes);
	} catch {
		throw new WebhookVerificationError('body_not_utf8', 'The body is signed correctly but is not valid UTF-8 text');
	}

	// JSON (no content type: the library's default payload is JSON) is parsed; other types are returned as text.
	const type = contentType?.split(';')[0]!.trim().toLowerCase();
	if (type !== undefined && type !== '' && !/^[\w.+-]+\/([\w.-]+\+)?json$/.test(type)) {
		return text;
	}

	// A GET (or DELETE) is signed over an empty body: nothing to parse.
	if (text === '') {
		return null;
	}

	try {
		return JSON.parse(text) as unknown;
	} catch (error) {
		throw new WebhookVerificationError('bad_json', `The body is signed correctly but is not valid JSON: ${(error as Error).message}`);
	}
}

/**
 * Verify a webhook signed the Standard Webhooks way (as this library's sender signs): the
 * `webhook-signature` header holds `v1,<base64 HMAC-SHA256 of "id.timestamp.body">`, one per
 * secret during a rotation, and `webhook-timestamp` is within `toleranceSeconds` of now. Returns
 * the body: parsed when it is JSON (a JSON content type, or none; null when empty), else the text. Anything else
 * throws WebhookVerificationError with a `reason`. Bad options (a secret that is not
 * `whsec_…`, a bad tolerance) are a programming mistake: TypeError.
 */
export function verifyWebhook<T = unknown>({secret, headers, body, toleranceSeconds, now = new Date()}: VerifyWebhookOptions): T {
	const keys = keysOf(secret);
	const tolerance = checkTolerance(toleranceSeconds);
	if (headers === null || typeof headers !== 'object') {
		throw new TypeError(`verifyWebhook: headers must be the request's headers (an object), got ${headers === null ? 'null' : typeof headers}`);
	}

	const bytes = bodyBytes(body);
	const id = requiredHeader(headers, 'webhook-id');
	const timestamp = requiredHeader(headers, 'webhook-timestamp');
	const signatures = requiredHeader(headers, 'webhook-signature');
	checkTimestamp(timestamp, tolerance, now);
	const content = Buffer.concat([Buffer.from(`${id}.${timestamp}.`, 'utf8'), bytes]);
	if (!signatureMatches(signatures, keys, content)) {
		throw new WebhookVerificationError('no_matching_signature', `No signature in webhook-signature matches the secret${keys.length > 1 ? 's' : ''} for webhook-id ${quote(id)}: a wrong secret, or a body changed on the way (verify the raw bytes, not a re-serialised object)`);
	}

	const contentType = headerValueOrUndefined(headers, 'content-type');
	return parseBody(bytes, contentType) as T;
}

function headerValueOrUndefined(headers: HeadersInput, name: string): string | undefined {
	try {
		return requiredHeader(headers, name);
	} catch {
		return undefined;
	}
}
