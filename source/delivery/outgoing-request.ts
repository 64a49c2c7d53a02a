import type {ClaimedCallback} from './claim.js';
import type {OutgoingRequest} from './http-client.js';
import {signatureHeaders} from './sign.js';

const bodyless = new Set(['GET', 'HEAD']);
const ours = new Set(['webhook-id', 'webhook-timestamp', 'webhook-signature']);

function storedHeaders(text: string): Record<string, string> | undefined {
	try {
		const parsed = JSON.parse(text || '{}') as unknown;
		if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
			return Object.fromEntries(Object.entries(parsed).map(([name, value]) => [name, String(value)]));
		}
	} catch {}

	return undefined;
}

/**
 * Builds the request of a callback: its stored headers and payload, a `webhook-id` that stays
 * the same across retries and, with a signing key, the Standard Webhooks timestamp and
 * signature. GET and HEAD carry no body (fetch refuses one) and no Content-Type; their
 * signature covers an empty body. The headers common to many callbacks (those of one hook) are
 * worked out once.
 */
export class OutgoingRequests {
	readonly #common = new Map<string, Record<string, string> | undefined>();

	constructor(private readonly userAgent: string) {}

	build(callback: ClaimedCallback, key: Buffer | Buffer[] | null, now: Date = new Date()): OutgoingRequest {
		const method = callback.httpMethod.toUpperCase();
		const body = bodyless.has(method) ? null : callback.payload;
		const common = this.#commonHeaders(callback, body !== null);
		if (!common) {
			throw new Error(`callback ${callback.id} has unreadable headers ${JSON.stringify(callback.headers.slice(0, 100))}`);
		}

		const headers: Record<string, string> = {...common, 'webhook-id': callback.webhookId};
		if (key) {
			Object.assign(headers, signatureHeaders(key, callback.webhookId, body ?? '', now));
		}

		return {url: callback.targetUrl, method, headers, body};
	}

	#commonHeaders(callback: ClaimedCallback, withBody: boolean): Record<string, string> | undefined {
		const cacheKey = `${withBody ? 1 : 0}${callback.contentType ?? ''}\n${callback.headers}`;
		if (this.#common.has(cacheKey)) {
			return this.#common.get(cacheKey);
		}

		const stored = storedHeaders(callback.headers);
		let headers: Record<string, string> | undefined;
		if (stored) {
			headers = {};
			const names = new Set<string>();
			for (const [name, value] of Object.entries(stored)) {
				const lower = name.toLowerCase();
				// Our own headers are set per request; a body-less request has no Content-Type.
				if (!ours.has(lower) && (withBody || lower !== 'content-type')) {
					headers[name] = value;
					names.add(lower);
				}
			}

			if (withBody && callback.contentType && !names.has('content-type')) {
				headers['Content-Type'] = callback.contentType;
			}

			if (!names.has('user-agent')) {
				headers['User-Agent'] = this.userAgent;
			}
		}

		if (this.#common.size >= 1000) {
			this.#common.clear();
		}

		this.#common.set(cacheKey, headers);
		return headers;
	}
}
