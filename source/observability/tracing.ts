import type * as OpenTelemetry from '@opentelemetry/api';
import type {ClaimedCallback} from '../delivery/claim.js';
import type {AttemptResult, OutgoingRequest} from '../delivery/http-client.js';
import {formatTraceparent, parseTraceparent, validTraceContext, type TraceContext} from './trace-context.js';

type Api = typeof OpenTelemetry;

/** How the OpenTelemetry API is loaded: a guarded dynamic import (tests pass their own). */
export type ApiImporter = () => Promise<Api>;

// `@opentelemetry/api` is an optional peer: loaded once, if it is there, when a handle opens.
// Until then (and without it) the capture's question below is one comparison.
let api: Api | undefined;
let loading: Promise<Api | undefined> | undefined;

const defaultImporter: ApiImporter = async () => import('@opentelemetry/api');

/**
 * Load `@opentelemetry/api` if it is installed. Without it, nothing about tracing costs
 * anything: no span, no context lookup, no column value. With it but without a tracer provider,
 * the API's no-op tracer answers (no trace is active, so nothing is stored).
 */
export async function loadTraceApi(importer?: ApiImporter): Promise<Api | undefined> {
	// Loaded once; an importer given (a test's) replaces what was loaded.
	if (importer || !loading) {
		loading = (importer ?? defaultImporter)().catch(() => undefined).then(loaded => {
			api = loaded;
			return loaded;
		});
	}

	return loading;
}

/**
 * The `traceparent` of the trace active now (the app's request that is writing the row), or
 * null without OpenTelemetry or an active trace. The capture stores it with each callback.
 */
export function currentTraceparent(): string | null {
	if (api === undefined) {
		return null;
	}

	const context = api.trace.getSpanContext(api.context.active());
	return context && api.isSpanContextValid(context) ? formatTraceparent(context) : null;
}

type Traced = Pick<ClaimedCallback, 'id' | 'hookId' | 'attempts'> & {traceparent?: string | null};

const tracerName = 'sequelize-http-hooks';

/** Whether a request already has a header of this name (any case). */
function hasHeader(headers: Record<string, string>, name: string): boolean {
	return Object.keys(headers).some(key => key.toLowerCase() === name);
}

/** The URL for `url.full`: credentials never (they are refused anyway), query values redacted. */
function redactedUrl(text: string): URL | undefined {
	try {
		const url = new URL(text);
		for (const key of new Set(url.searchParams.keys())) {
			url.searchParams.set(key, 'REDACTED');
		}

		url.username = '';
		url.password = '';
		url.hash = '';
		return url;
	} catch {
		return undefined;
	}
}

/** `error.type` of a failed attempt: the status code, a timeout, an error code, or `_OTHER`. */
function errorType(result: AttemptResult): string | undefined {
	if (result.statusCode !== null) {
		return result.statusCode >= 400 ? String(result.statusCode) : undefined;
	}

	if (result.error?.startsWith('timeout')) {
		return 'timeout';
	}

	return /^([A-Z][A-Z\d_]+):/.exec(result.error ?? '')?.[1] ?? '_OTHER';
}

/**
 * One span per attempt, following the HTTP client semantic conventions, child of the trace
 * stored with the callback (and linked to it), so that the trace runs from the app's write to
 * the webhook; the receiver gets the attempt's context in `traceparent`. Without the API, a
 * stored context is passed on as it is. Tracing never fails an attempt: an SDK that throws is
 * left out.
 */
export class AttemptTracing {
	readonly #api: Api | undefined;
	readonly #tracer: OpenTelemetry.Tracer | undefined;

	constructor(loaded: Api | undefined = api) {
		this.#api = loaded;
		this.#tracer = loaded?.trace.getTracer(tracerName);
	}

	async send(callback: Traced, request: OutgoingRequest, send: (request: OutgoingRequest) => Promise<AttemptResult>): Promise<AttemptResult> {
		const stored = callback.traceparent ? parseTraceparent(callback.traceparent) : undefined;
		if (this.#api === undefined || this.#tracer === undefined) {
			if (stored && !hasHeader(request.headers, 'traceparent')) {
				request.headers['traceparent'] = formatTraceparent(stored);
			}

			return send(request);
		}

		let span: OpenTelemetry.Span | undefined;
		let context: OpenTelemetry.Context | undefined;
		try {
			({span, context} = this.#start(this.#api, this.#tracer, callback, request, stored));
		} catch {
			span = undefined;
		}

		if (!span || !context) {
			return send(request);
		}

		const result = await this.#api.context.with(context, async () => send(request));
		try {
			this.#end(this.#api, span, result);
		} catch {}

		return result;
	}

	#start(api: Api, tracer: OpenTelemetry.Tracer, callback: Traced, request: OutgoingRequest, stored: TraceContext | undefined) {
		const remote = stored && {...stored, isRemote: true};
		const parent = remote ? api.trace.setSpanContext(api.ROOT_CONTEXT, remote) : api.context.active();
		const url = redactedUrl(request.url);
		const attributes: OpenTelemetry.Attributes = {
			'http.request.method': request.method,
			'http_hooks.callback.id': callback.id,
			'http_hooks.attempt': callback.attempts + 1,
		};
		if (callback.hookId !== null) {
			attributes['http_hooks.hook.id'] = callback.hookId;
		}

		if (callback.attempts > 0) {
			attributes['http.request.resend_count'] = callback.attempts;
		}

		if (url) {
			attributes['url.full'] = url.href;
			attributes['server.address'] = url.hostname;
			attributes['server.port'] = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
		}

		const span = tracer.startSpan(request.method, {kind: api.SpanKind.CLIENT, attributes, links: remote ? [{context: remote}] : []}, parent);
		const own = span.spanContext();
		const sent = validTraceContext(own) ? own : stored;
		if (sent && !hasHeader(request.headers, 'traceparent')) {
			request.headers['traceparent'] = formatTraceparent(sent);
		}

		return {span, context: api.trace.setSpan(parent, span)};
	}

	#end(api: Api, span: OpenTelemetry.Span, result: AttemptResult): void {
		if (result.statusCode !== null) {
			span.setAttribute('http.response.status_code', result.statusCode);
		}

		const type = errorType(result);
		if (type !== undefined) {
			span.setAttribute('error.type', type);
			span.setStatus({code: api.SpanStatusCode.ERROR, message: result.error ?? undefined});
		}

		span.end();
	}
}
