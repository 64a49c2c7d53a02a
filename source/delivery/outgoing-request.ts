import {checkHeaderName, checkHeaderValue} from '../headers.js';
import type {ClaimedCallback} from './claim.js';
import type {OutgoingRequest} from './http-client.js';
import {signatureHeaders} from './sign.js';

const bodyless = new Set(['GET', 'HEAD']);

/** A callback whose stored request can never be sent: its attempt is final, never retried. */
export class UnsendableRequestError extends Error {}

/**
 * The stored headers of a callback, checked as a hook's are (rows may be written by plain SQL):
 * no reserved name, no value a request cannot carry. A string says why they cannot be sent.
 */
function storedHeaders(text: string): Record<string, string> | string {
	let parsed: unknown;
	try {
		parsed = JSON.parse(text || '{}') as unknown;
	} catch {}

	if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
		return `unreadable headers ${JSON.stringify(text.slice(0, 100))}`;
	}

	try {
		return Object.fromEntries(Object.entries(parsed).map(([name, value]) => [checkHeaderName(name), checkHeaderValue(name, String(value))]));
	} catch (error) {
		return (error as Error).message;
	}
}

/**
 * Builds the request of a callback: its stored headers and payload, a `webhook-id` that stays
 * the same across retries and, with a signing key, the Standard Webhooks timestamp and
 * signature. GET and HEAD carry no body (fetch refuses one) and no Content-Type; their
 * signature covers an empty body. The headers common to many callbacks (those of one hook) are
 * worked out once.
 */
export class OutgoingRequests {
	readonly #common = new Map<string, Record<string, string> | string>();

	constructor(private readonly userAgent: string) {}

	build(callback: ClaimedCallback, key: Buffer | Buffer[] | null, now: Date = new Date()): OutgoingRequest {
		const method = callback.httpMethod.toUpperCase();
		const body = bodyless.has(method) ? null : callback.payload;
		const common = this.#commonHeaders(callback, body !== null);
		if (typeof common === 'string') {
			throw new UnsendableRequestError(`callback ${callback.id} cannot be sent: ${common}`);
		}

		const headers: Record<string, string> = {...common, 'webhook-id': callback.webhookId};
		if (key) {
			Object.assign(headers, signatureHeaders(key, callback.webhookId, body ?? '', now));
		}

		return {url: callback.targetUrl, method, headers, body};
	}

	#commonHeaders(callback: ClaimedCallback, withBody: boolean): Record<string, string> | string {
		const cacheKey = `${withBody ? 1 : 0}${callback.contentType ?? ''}\n${callback.headers}`;
		let headers = this.#common.get(cacheKey);
		if (headers === undefined) {
			headers = commonHeaders(callback, withBody, this.userAgent);
			if (this.#common.size >= 1000) {
				this.#common.clear();
			}

			this.#common.set(cacheKey, headers);
		}

		return headers;
	}
}

function commonHeaders(callback: ClaimedCallback, withBody: boolean, userAgent: string): Record<string, string> | string {
	const stored = storedHeaders(callback.headers);
	if (typeof stored === 'string') {
		return stored;
	}

	const headers: Record<string, string> = {};
	const names = new Set<string>();
	for (const [name, value] of Object.entries(stored)) {
		const lower = name.toLowerCase();
		// A body-less request has no Content-Type.
		if (withBody || lower !== 'content-type') {
			headers[name] = value;
			names.add(lower);
		}
	}

	if (withBody && callback.contentType && !names.has('content-type')) {
		try {
			headers['Content-Type'] = checkHeaderValue('Content-Type', callback.contentType);
		} catch (error) {
			return (error as Error).message;
		}
	}

	if (!names.has('user-agent')) {
		headers['User-Agent'] = userAgent;
	}

	return headers;
}
