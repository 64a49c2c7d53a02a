import {Buffer} from 'node:buffer';
import {startReceiver} from '../fixtures/receiver.js';
import {dialectTest} from './helpers/dialect-test.js';
import {appWithHook, attemptRows, callbackRow, createOwners, makeDue} from './helpers/delivery.js';

dialectTest('a 2xx answer marks the callback sent and records the attempt', async (t, database) => {
	const receiver = await startReceiver(() => ({status: 201, body: 'thanks\0!'}));
	try {
		const setup = await appWithHook(t, database, {targetUrl: `${receiver.url}/hooks`, headers: 'X-Env: test'});
		const [callback] = await createOwners(setup, ['Ann']);
		const summary = await setup.httpHooks.sendCallbacks();
		t.like(summary, {claimed: 1, sent: 1, retrying: 0, failed: 0, missing: []});

		const [request] = receiver.requests;
		t.is(request!.method, 'POST');
		t.is(request!.url, '/hooks');
		t.deepEqual(JSON.parse(request!.body), {id: 1, name: 'Ann'});
		t.is(request!.headers['content-type'], 'application/json');
		t.is(request!.headers['x-env'], 'test');
		t.is(request!.headers['webhook-id'], callback!.webhookId);
		t.is(request!.headers['webhook-signature'], undefined, 'no secret, no signature');

		const row = await callbackRow(setup.httpHooks, callback!.id);
		t.like(row, {status: 'sent', statusDetails: 'status_code:201', attempts: 1, leaseUntil: null, lockedBy: null});
		const [attempt, ...more] = await attemptRows(setup.httpHooks, callback!.id);
		t.is(more.length, 0);
		t.like(attempt, {attempt: 1, statusCode: 201, error: null});
		t.true(attempt!.responseBody!.startsWith('thanks'), 'the body is kept (a NUL replaced where the database needs it)');
		t.true(attempt!.durationMs >= 0);
		t.true(Math.abs(attempt!.startedAt.getTime() - Date.now()) < 60_000);
	} finally {
		await receiver.close();
	}
});

dialectTest('500 then 200: retried on the schedule with the same webhook-id, then sent', async (t, database) => {
	const receiver = await startReceiver((_request, index) => ({status: index === 0 ? 500 : 200, body: index === 0 ? 'boom' : 'ok'}));
	try {
		const setup = await appWithHook(t, database, {targetUrl: `${receiver.url}/hooks`});
		const [callback] = await createOwners(setup, ['Ann']);
		const before = Date.now();
		t.like(await setup.httpHooks.sendCallbacks(), {claimed: 1, sent: 0, retrying: 1, failed: 0});
		const after = Date.now();

		const waiting = await callbackRow(setup.httpHooks, callback!.id);
		t.like(waiting, {status: 'waiting', statusDetails: 'status_code:500', attempts: 1, lockedBy: null});
		// First retry: 5 s ± 20 %.
		const delay = waiting.nextAttemptAt!.getTime();
		t.true(delay >= before + 4000 && delay <= after + 6000, `next attempt ${delay - after} ms on`);

		t.like(await setup.httpHooks.sendCallbacks(), {claimed: 0}, 'not due yet: nothing to do');
		await makeDue(setup.httpHooks);
		t.like(await setup.httpHooks.sendCallbacks(), {claimed: 1, sent: 1});

		t.is(receiver.requests.length, 2);
		t.is(receiver.requests[0]!.headers['webhook-id'], callback!.webhookId);
		t.is(receiver.requests[1]!.headers['webhook-id'], callback!.webhookId);
		t.like(await callbackRow(setup.httpHooks, callback!.id), {status: 'sent', statusDetails: 'status_code:200', attempts: 2});
		const attempts = await attemptRows(setup.httpHooks, callback!.id);
		t.deepEqual(attempts.map(attempt => [attempt.attempt, attempt.statusCode, attempt.responseBody]), [[1, 500, 'boom'], [2, 200, 'ok']]);
	} finally {
		await receiver.close();
	}
});

dialectTest('429 with Retry-After: the next attempt waits what the receiver asked', async (t, database) => {
	const receiver = await startReceiver(() => ({status: 429, headers: {'Retry-After': '120'}}));
	try {
		const setup = await appWithHook(t, database, {targetUrl: receiver.url});
		const [callback] = await createOwners(setup, ['Ann']);
		const before = Date.now();
		t.like(await setup.httpHooks.sendCallbacks(), {retrying: 1});
		const row = await callbackRow(setup.httpHooks, callback!.id);
		t.like(row, {status: 'waiting', statusDetails: 'status_code:429'});
		const wait = row.nextAttemptAt!.getTime() - before;
		t.true(wait >= 119_000 && wait <= 125_000, `waits ${wait} ms, not the schedule's 5 s`);
	} finally {
		await receiver.close();
	}
});

dialectTest('410 Gone is final at once', async (t, database) => {
	const receiver = await startReceiver(() => ({status: 410, body: 'gone'}));
	try {
		const setup = await appWithHook(t, database, {targetUrl: receiver.url});
		const [callback] = await createOwners(setup, ['Ann']);
		t.like(await setup.httpHooks.sendCallbacks(), {claimed: 1, sent: 0, retrying: 0, failed: 1});
		t.like(await callbackRow(setup.httpHooks, callback!.id), {status: 'error', statusDetails: 'status_code:410', attempts: 1});
		await makeDue(setup.httpHooks);
		t.like(await setup.httpHooks.sendCallbacks(), {claimed: 0}, 'an error callback is not sent again by itself');
	} finally {
		await receiver.close();
	}
});

dialectTest('when attempts run out the callback is error', async (t, database) => {
	const receiver = await startReceiver(() => ({status: 503}));
	try {
		const setup = await appWithHook(t, database, {targetUrl: receiver.url}, {delivery: {maxAttempts: 2}});
		const [callback] = await createOwners(setup, ['Ann']);
		t.like(await setup.httpHooks.sendCallbacks(), {retrying: 1, failed: 0});
		await makeDue(setup.httpHooks);
		t.like(await setup.httpHooks.sendCallbacks(), {retrying: 0, failed: 1});
		t.like(await callbackRow(setup.httpHooks, callback!.id), {status: 'error', statusDetails: 'status_code:503', attempts: 2});
	} finally {
		await receiver.close();
	}
});

dialectTest('a receiver that does not answer in time: the attempt times out', async (t, database) => {
	const receiver = await startReceiver(() => ({status: 200, delayMs: 5000}));
	try {
		const setup = await appWithHook(t, database, {targetUrl: receiver.url}, {delivery: {timeoutMs: 300}});
		const [callback] = await createOwners(setup, ['Ann']);
		t.like(await setup.httpHooks.sendCallbacks(), {retrying: 1});
		const row = await callbackRow(setup.httpHooks, callback!.id);
		t.is(row.status, 'waiting');
		t.is(row.statusDetails, 'timeout: no complete response within 300 ms');
		const [attempt] = await attemptRows(setup.httpHooks, callback!.id);
		t.like(attempt, {statusCode: null, error: 'timeout: no complete response within 300 ms'});
	} finally {
		await receiver.close();
	}
});

dialectTest('connection refused and connection reset are failed attempts with the error', async (t, database) => {
	const closed = await startReceiver();
	await closed.close();
	const receiver = await startReceiver(() => ({destroy: true}));
	try {
		const setup = await appWithHook(t, database, {targetUrl: closed.url});
		const reset = await setup.httpHooks.createHook({name: 'resetting', model: 'Owner', signals: ['afterCreate'], targetUrl: receiver.url, contentType: 'application/json'});
		const callbacks = await createOwners(setup, ['Ann']);
		t.like(await setup.httpHooks.sendCallbacks(), {claimed: 2, retrying: 2});

		const refused = await callbackRow(setup.httpHooks, callbacks.find(callback => callback.hookId === setup.hookId)!.id);
		t.is(refused.status, 'waiting');
		t.regex(refused.statusDetails!, /ECONNREFUSED/);
		const dropped = await callbackRow(setup.httpHooks, callbacks.find(callback => callback.hookId === reset.id)!.id);
		t.is(dropped.status, 'waiting');
		t.regex(dropped.statusDetails!, /ECONNRESET|socket hang up/);
		t.is(receiver.requests.length, 1, 'the request did arrive before the connection was dropped');
	} finally {
		await receiver.close();
	}
});

dialectTest('a 10 MB response body is cut to 16 KiB and not read further', async (t, database) => {
	const big = Buffer.alloc(10 * 1024 * 1024, 'x');
	const receiver = await startReceiver(() => ({status: 200, body: big}));
	try {
		const setup = await appWithHook(t, database, {targetUrl: receiver.url});
		const [callback] = await createOwners(setup, ['Ann']);
		t.like(await setup.httpHooks.sendCallbacks(), {sent: 1});
		const [attempt] = await attemptRows(setup.httpHooks, callback!.id);
		t.is(attempt!.responseBody!.length, 16 * 1024);
		t.is(attempt!.statusCode, 200);
	} finally {
		await receiver.close();
	}
});

dialectTest('a redirect is not followed: a failed attempt naming where it pointed', async (t, database) => {
	const receiver = await startReceiver(request => (request.url === '/moved' ? {status: 200} : {status: 302, headers: {Location: '/moved'}}));
	try {
		const setup = await appWithHook(t, database, {targetUrl: `${receiver.url}/hooks`});
		const [callback] = await createOwners(setup, ['Ann']);
		t.like(await setup.httpHooks.sendCallbacks(), {sent: 0, retrying: 1});
		t.deepEqual(receiver.requests.map(request => request.url), ['/hooks']);
		t.like(await callbackRow(setup.httpHooks, callback!.id), {status: 'waiting', statusDetails: 'status_code:302'});
		const [attempt] = await attemptRows(setup.httpHooks, callback!.id);
		t.like(attempt, {statusCode: 302, error: 'redirect to /moved not followed'});
	} finally {
		await receiver.close();
	}
});

dialectTest('a non-ASCII payload arrives byte for byte', async (t, database) => {
	const receiver = await startReceiver();
	try {
		const setup = await appWithHook(t, database, {targetUrl: receiver.url});
		const name = 'Zoë Øre 東京 🚀 "quoted"';
		await createOwners(setup, [name]);
		t.like(await setup.httpHooks.sendCallbacks(), {sent: 1});
		const [request] = receiver.requests;
		t.deepEqual(JSON.parse(request!.body), {id: 1, name});
		t.is(Number(request!.headers['content-length']), Buffer.byteLength(request!.body, 'utf8'));
	} finally {
		await receiver.close();
	}
});

dialectTest('GET carries no body; the webhook-id is still sent', async (t, database) => {
	const receiver = await startReceiver();
	try {
		const setup = await appWithHook(t, database, {targetUrl: `${receiver.url}/ping`, httpMethod: 'GET'});
		const [callback] = await createOwners(setup, ['Ann']);
		t.like(await setup.httpHooks.sendCallbacks(), {sent: 1});
		const [request] = receiver.requests;
		t.is(request!.method, 'GET');
		t.is(request!.body, '');
		t.is(request!.headers['webhook-id'], callback!.webhookId);
		t.is(request!.headers['content-type'], undefined);
	} finally {
		await receiver.close();
	}
});

dialectTest('results are written in batches, not one UPDATE per callback', async (t, database) => {
	const receiver = await startReceiver();
	try {
		const setup = await appWithHook(t, database, {targetUrl: receiver.url});
		const names = Array.from({length: 60}, (_, index) => `owner ${index}`);
		await createOwners(setup, names);
		const statements: string[] = [];
		(database.sequelize as unknown as {options: {logging: unknown}}).options.logging = (sql: string) => statements.push(sql);
		t.like(await setup.httpHooks.sendCallbacks({concurrency: 10}), {claimed: 60, sent: 60});
		(database.sequelize as unknown as {options: {logging: unknown}}).options.logging = false;

		const writes = statements.filter(sql => /UPDATE http_callbacks\b/.test(sql) && /\bv\.status\b/.test(sql));
		const inserts = statements.filter(sql => /INSERT INTO http_callback_attempts/.test(sql));
		// Results are written as they finish, with those that finished during the previous write.
		t.true(writes.length >= 1 && writes.length < names.length, `${writes.length} result statements for 60 callbacks`);
		t.true(inserts.length < names.length, `${inserts.length} attempt inserts for 60 callbacks`);
		t.is(await setup.httpHooks.models.Attempt.count(), 60);
	} finally {
		await receiver.close();
	}
});

dialectTest('bad delivery settings and send options are errors naming the value', async (t, database) => {
	const receiver = await startReceiver();
	try {
		const setup = await appWithHook(t, database, {targetUrl: receiver.url});
		await t.throwsAsync(setup.httpHooks.sendCallbacks({concurrency: 0}), {message: /concurrency must be .*got "0"/});
		await t.throwsAsync(setup.httpHooks.sendCallbacks({hookId: -3}), {message: /hookId must be .*got "-3"/});
		await t.throwsAsync(setup.httpHooks.sendCallbacks({callbackIds: [1, 'x' as never]}), {message: /callback id must be .*got "x"/});
		await t.throwsAsync(setup.httpHooks.sendCallbacks({delivery: {timeoutMs: 'soon' as never}}), {message: /delivery\.timeoutMs .*got "soon"/});
	} finally {
		await receiver.close();
	}
});
