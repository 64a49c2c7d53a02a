import http from 'node:http';
import https from 'node:https';
import {isIP} from 'node:net';
import {StringDecoder} from 'node:string_decoder';
import fetch from 'node-fetch';
import type {NetworkGuard} from './network-guard.js';
import {retryAfterMs} from './retry-after.js';

/** Attempts keep this much of a response body. */
export const responseBodyLimit = 16 * 1024;

export type OutgoingRequest = {url: string; method: string; headers: Record<string, string>; body: string | null};

/** What one attempt gave: a status code, or an error, or both (a response that broke off). */
export type AttemptResult = {
	startedAt: Date;
	durationMs: number;
	statusCode: number | null;
	error: string | null;
	responseBody: string | null;
	/** The wait a Retry-After header asked for, in ms. */
	retryAfterMs?: number;
	/** The request can never be sent (a stored row no request can carry): no retry. */
	final?: boolean;
};

type Target = {url: URL; agent: http.Agent};

// Methods whose requests carry no body (fetch refuses one).
const bodyless = new Set(['GET', 'HEAD']);

/**
 * Sends requests with node-fetch: a keep-alive agent per origin, a timeout per request that
 * covers the response body too, redirects returned as they are (never followed), and at most
 * 16 KiB of each response body read (the rest is dropped with the connection).
 */
export class HttpClient {
	readonly #agents = new Map<string, http.Agent>();
	readonly #targets = new Map<string, Target>();

	constructor(private readonly settings: {timeoutMs: number; maxSockets: number; guard?: NetworkGuard}) {}

	async send(request: OutgoingRequest): Promise<AttemptResult> {
		const startedAt = new Date();
		const started = performance.now();
		const finish = (fields: Partial<AttemptResult>): AttemptResult => ({
			startedAt, durationMs: Math.round(performance.now() - started), statusCode: null, error: null, responseBody: null, ...fields,
		});

		const target = this.#target(request.url);
		if ('refused' in target) {
			return finish({error: target.refused, final: target.final});
		}

		const timeout = new AbortController();
		const timer = setTimeout(() => timeout.abort(), this.settings.timeoutMs);
		let statusCode: number | null = null;
		let retryAfter: number | undefined;
		try {
			const response = await fetch(target.url, {
				method: request.method,
				headers: request.headers,
				body: bodyless.has(request.method) || request.body === null ? undefined : Buffer.from(request.body, 'utf8'),
				redirect: 'manual',
				agent: target.agent,
				signal: timeout.signal,
			});
			statusCode = response.status;
			// Headers are read only where they mean something: a success needs neither (and reading
			// one costs node-fetch a lookup through every header, on every request).
			const ok = statusCode >= 200 && statusCode < 300;
			retryAfter = ok ? undefined : retryAfterMs(response.headers.get('retry-after'));
			const responseBody = await readLimited(response.body);
			const location = statusCode >= 300 && statusCode < 400 ? response.headers.get('location') : null;
			const redirect = location ? `redirect to ${location} not followed` : null;
			return finish({statusCode, responseBody, error: redirect, retryAfterMs: retryAfter});
		} catch (error) {
			return finish({statusCode, retryAfterMs: retryAfter, error: timeout.signal.aborted ? `timeout: no complete response within ${this.settings.timeoutMs} ms` : describe(error)});
		} finally {
			clearTimeout(timer);
		}
	}

	/** Close every kept-alive connection. */
	close(): void {
		for (const agent of this.#agents.values()) {
			agent.destroy();
		}

		this.#agents.clear();
		this.#targets.clear();
	}

	/** The parsed URL and the agent of its origin, or why the URL cannot be used (final: never). */
	#target(text: string): Target | {refused: string; final: boolean} {
		let target = this.#targets.get(text);
		if (!target) {
			let url: URL;
			try {
				url = new URL(text);
			} catch {
				return {refused: `invalid target URL ${JSON.stringify(text)}`, final: true};
			}

			if (url.protocol !== 'http:' && url.protocol !== 'https:') {
				return {refused: `target URL ${JSON.stringify(text)} is not http or https`, final: true};
			}

			if (url.username !== '' || url.password !== '') {
				return {refused: 'target URL has credentials (user:password@) and is never sent', final: true};
			}

			// An address in the URL is never looked up: it is judged here; names at connect time.
			const {guard} = this.settings;
			const literal = url.hostname.replace(/^\[|\]$/g, '');
			const refusal = guard && isIP(literal) !== 0 ? guard.refusal(literal) : undefined;
			if (refusal) {
				return {refused: refusal, final: false};
			}

			let agent = this.#agents.get(url.origin);
			if (!agent) {
				const options = {keepAlive: true, maxSockets: this.settings.maxSockets, ...(this.settings.guard ? {lookup: this.settings.guard.lookup} : {})};
				agent = url.protocol === 'https:' ? new https.Agent(options) : new http.Agent(options);
				this.#agents.set(url.origin, agent);
			}

			if (this.#targets.size >= 10_000) {
				this.#targets.clear();
			}

			target = {url, agent};
			this.#targets.set(text, target);
		}

		return target;
	}
}

/**
 * Read a body up to the limit, as text; a longer body is cut and its stream destroyed, so the
 * rest is never downloaded. (Events rather than an async iterator: one promise per response.)
 */
async function readLimited(body: NodeJS.ReadableStream | null): Promise<string | null> {
	if (!body) {
		return null;
	}

	const stream = body as NodeJS.ReadableStream & {destroy(): void};
	return new Promise<string>((resolve, reject) => {
		const decoder = new StringDecoder('utf8');
		let text = '';
		let size = 0;
		const onData = (chunk: Buffer) => {
			const room = responseBodyLimit - size;
			text += decoder.write(chunk.length > room ? chunk.subarray(0, room) : chunk);
			size += Math.min(chunk.length, room);
			if (size >= responseBodyLimit) {
				stream.off('data', onData);
				stream.off('error', reject);
				stream.on('error', () => undefined);
				stream.destroy();
				resolve(text);
			}
		};

		stream.on('data', onData);
		stream.once('end', () => resolve(text));
		stream.once('error', reject);
	});
}

function describe(error: unknown): string {
	const {message, code} = error as {message?: string; code?: string};
	const text = message || String(error);
	return code && !text.includes(code) ? `${code}: ${text}` : text;
}
