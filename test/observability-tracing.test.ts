import * as api from '@opentelemetry/api';
import {AsyncLocalStorageContextManager} from '@opentelemetry/context-async-hooks';
import {BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan} from '@opentelemetry/sdk-trace-base';
import test from 'ava';
import {startReceiver} from '../fixtures/receiver.js';
import {loadTraceApi} from '../source/observability/tracing.js';
import {formatTraceparent, parseTraceparent} from '../source/observability/trace-context.js';
import {dialectTest} from './helpers/dialect-test.js';
import {appWithHook, callbackRows, createOwners} from './helpers/delivery.js';

// The app's tracing, as an app sets it up: a provider with an exporter, and a context manager.
const exporter = new InMemorySpanExporter();
const provider = new BasicTracerProvider({spanProcessors: [new SimpleSpanProcessor(exporter)]});
api.trace.setGlobalTracerProvider(provider);
api.context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
const appTracer = api.trace.getTracer('the-app');

/** Run `work` inside a span of the app's, as a request handler would; returns the span's context. */
async function inAppSpan(work: () => Promise<unknown>): Promise<api.SpanContext> {
	return appTracer.startActiveSpan('PUT /owners', async span => {
		try {
			await work();
			return span.spanContext();
		} finally {
			span.end();
		}
	});
}

function attemptSpans(traceId?: string): ReadableSpan[] {
	return exporter.getFinishedSpans().filter(span => span.instrumentationScope.name === 'sequelize-http-hooks' && (traceId === undefined || span.spanContext().traceId === traceId));
}

// Global tracing state: one test at a time.
const serial = {serial: true};

dialectTest('traces: the attempt span is a child of the write\'s trace, linked to it, and the receiver gets the same trace', async (t, database) => {
	const receiver = await startReceiver((_request, index) => ({status: index === 0 ? 503 : 200}));
	try {
		const setup = await appWithHook(t, database, {targetUrl: `${receiver.url}/hooks?token=s3cret`}, {delivery: {jitter: 0, retryDelaysMs: [1]}});
		const write = await inAppSpan(async () => createOwners(setup, ['Ann']));
		const [callback] = await callbackRows(setup.httpHooks);
		t.is(callback!.traceparent, formatTraceparent(write), 'the capture stored the active trace context');

		// The sender runs later, outside the app's request.
		await setup.httpHooks.sendCallbacks();
		await new Promise(resolve => setTimeout(resolve, 5));
		await setup.httpHooks.sendCallbacks();

		const spans = attemptSpans(write.traceId);
		t.is(spans.length, 2, 'one span per attempt');
		for (const [index, span] of spans.entries()) {
			t.is(span.kind, api.SpanKind.CLIENT);
			t.is(span.name, 'POST');
			t.is(span.parentSpanContext?.spanId, write.spanId, 'a child of the write');
			t.deepEqual(span.links.map(link => [link.context.traceId, link.context.spanId]), [[write.traceId, write.spanId]], 'linked to the write');
			const received = parseTraceparent(receiver.requests[index]!.headers['traceparent']);
			t.is(received?.traceId, write.traceId, 'the receiver is in the same trace');
			t.is(received?.spanId, span.spanContext().spanId, 'its parent is the attempt span');
			t.like(span.attributes, {'http.request.method': 'POST', 'server.address': '127.0.0.1', 'http_hooks.callback.id': callback!.id, 'http_hooks.hook.id': setup.hookId, 'http_hooks.attempt': index + 1});
			t.is(span.attributes['url.full'], `${receiver.url}/hooks?token=REDACTED`, 'query values never reach the trace');
		}

		t.is(spans[0]!.attributes['http.response.status_code'], 503);
		t.is(spans[0]!.attributes['error.type'], '503');
		t.is(spans[0]!.status.code, api.SpanStatusCode.ERROR);
		t.is(spans[1]!.attributes['http.response.status_code'], 200);
		t.is(spans[1]!.attributes['http.request.resend_count'], 1);
		t.is(spans[1]!.status.code, api.SpanStatusCode.UNSET);
	} finally {
		await receiver.close();
	}
}, serial);

dialectTest('traces: a write outside any trace stores no context; its attempt starts a trace of its own', async (t, database) => {
	const receiver = await startReceiver();
	try {
		const setup = await appWithHook(t, database, {targetUrl: receiver.url});
		await createOwners(setup, ['Ann']);
		t.is((await callbackRows(setup.httpHooks))[0]!.traceparent, null);
		await setup.httpHooks.sendCallbacks();
		const received = parseTraceparent(receiver.requests[0]!.headers['traceparent']);
		const span = attemptSpans(received?.traceId)[0];
		t.truthy(span, 'the attempt span is the receiver\'s parent');
		t.is(span!.parentSpanContext, undefined);
		t.deepEqual(span!.links, []);
	} finally {
		await receiver.close();
	}
}, serial);

const hostile = [
	'00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01\r\nX-Injected: 1',
	'00-0AF7651916CD43DD8448EB211C80319C-B7AD6B7169203331-01',
	'00-00000000000000000000000000000000-b7ad6b7169203331-01',
	'00-0af7651916cd43dd8448eb211c80319c-0000000000000000-01',
	'ff-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
	'00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01-extra',
	`00-${'a'.repeat(10_000)}`,
	'\u0000',
];

dialectTest('traces: a stored traceparent that is not well formed is never sent nor linked to', async (t, database) => {
	const receiver = await startReceiver();
	try {
		const setup = await appWithHook(t, database, {targetUrl: receiver.url});
		await createOwners(setup, hostile.map((_, index) => `owner ${index}`));
		const rows = await callbackRows(setup.httpHooks);
		for (const [index, row] of rows.entries()) {
			// Plain SQL writes what it likes; the column is 64 characters on PostgreSQL.
			const value = database.dialect === 'postgres' ? hostile[index]!.replaceAll('\u0000', '').slice(0, 64) : hostile[index]!;
			await database.sequelize.query('UPDATE http_callbacks SET traceparent = $1 WHERE id = $2', {bind: [value, row.id]});
		}

		exporter.reset();
		t.like(await setup.httpHooks.sendCallbacks(), {sent: hostile.length});
		for (const request of receiver.requests) {
			t.is(request.headers['x-injected'], undefined);
			const received = parseTraceparent(request.headers['traceparent']);
			t.truthy(received, 'the attempt\'s own context');
			t.not(received!.traceId, '0af7651916cd43dd8448eb211c80319c');
		}

		for (const span of attemptSpans()) {
			t.is(span.parentSpanContext, undefined);
			t.deepEqual(span.links, []);
		}
	} finally {
		await receiver.close();
	}
}, serial);

test.serial('traces: without @opentelemetry/api, nothing is stored, and a stored context is passed on as it is', async t => {
	// As when the optional package is not installed: the guarded import fails.
	t.is(await loadTraceApi(async () => {
		throw Object.assign(new Error('Cannot find package \'@opentelemetry/api\''), {code: 'ERR_MODULE_NOT_FOUND'});
	}), undefined);
	const {createTestDatabase} = await import('./helpers/database.js');
	const database = await createTestDatabase('sqlite');
	const receiver = await startReceiver();
	try {
		const setup = await appWithHook(t, database, {targetUrl: receiver.url});
		await inAppSpan(async () => createOwners(setup, ['Ann', 'Bob']));
		const rows = await callbackRows(setup.httpHooks);
		t.deepEqual(rows.map(row => row.traceparent), [null, null], 'no context stored');
		const stored = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
		await setup.httpHooks.models.Callback.update({traceparent: stored}, {where: {id: rows[0]!.id}});
		exporter.reset();
		await setup.httpHooks.sendCallbacks();
		t.deepEqual(receiver.requests.map(request => request.headers['traceparent']), [stored, undefined]);
		t.deepEqual(attemptSpans(), [], 'no span');
	} finally {
		await receiver.close();
		await database.close();
		await loadTraceApi(async () => api);
	}
});
