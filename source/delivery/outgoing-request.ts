import type {ClaimedCallback} from './claim.js';
import type {OutgoingRequest} from './http-client.js';
import {signatureHeaders} from './sign.js';

function withoutHeader(headers: Record<string, string>, name: string): void {
	for (const key of Object.keys(headers)) {
		if (key.toLowerCase() === name) {
			delete headers[key];
		}
	}
}

function storedHeaders(callback: ClaimedCallback): Record<string, string> {
	try {
		const parsed = JSON.parse(callback.headers || '{}') as unknown;
		if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
			return Object.fromEntries(Object.entries(parsed).map(([name, value]) => [name, String(value)]));
		}
	} catch {}

	throw new Error(`callback ${callback.id} has unreadable headers ${JSON.stringify(callback.headers.slice(0, 100))}`);
}

/**
 * The request of a callback: its stored headers and payload, a `webhook-id` that stays the same
 * across retries and, with a signing key, the Standard Webhooks timestamp and signature.
 * GET and HEAD carry no body (fetch refuses one); their signature covers an empty body.
 */
export function outgoingRequest(callback: ClaimedCallback, key: Buffer | null, userAgent: string, now: Date = new Date()): OutgoingRequest {
	const method = callback.httpMethod.toUpperCase();
	const body = method === 'GET' || method === 'HEAD' ? null : callback.payload;
	const headers = storedHeaders(callback);
	if (body === null) {
		withoutHeader(headers, 'content-type');
	} else if (callback.contentType && !Object.keys(headers).some(name => name.toLowerCase() === 'content-type')) {
		headers['Content-Type'] = callback.contentType;
	}

	if (!Object.keys(headers).some(name => name.toLowerCase() === 'user-agent')) {
		headers['User-Agent'] = userAgent;
	}

	for (const name of ['webhook-id', 'webhook-timestamp', 'webhook-signature']) {
		withoutHeader(headers, name);
	}

	headers['webhook-id'] = callback.webhookId;
	if (key) {
		Object.assign(headers, signatureHeaders(key, callback.webhookId, body ?? '', now));
	}

	return {url: callback.targetUrl, method, headers, body};
}
