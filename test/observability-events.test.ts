import test from 'ava';
import {setTimeout as delay} from 'node:timers/promises';
import {startReceiver} from '../fixtures/receiver.js';
import type {DeliveryEventMap, DeliveryEventName} from '../source/index.js';
import {DeliveryEvents} from '../source/observability/delivery-events.js';
import {eventually} from './helpers/callbacks.js';
import {dialectTest} from './helpers/dialect-test.js';
import {appWithHook, attemptRows, callbackRows, createOwners, makeDue, type DeliveryApp} from './helpers/delivery.js';

type Seen = {[Name in DeliveryEventName]: Array<DeliveryEventMap[Name]>};

function record(setup: DeliveryApp): Seen {
	const seen: Seen = {delivered: [], failed: [], exhausted: [], hookDisabled: [], sendError: []};
	for (const name of Object.keys(seen) as DeliveryEventName[]) {
		setup.httpHooks.on(name, event => {
			(seen[name] as unknown[]).push(event);
		});
	}

	return seen;
}

// A receiver that answers by the owner's name: Ann 200, anyone else 503.
const byName = (request: {body: string}) => ({status: (JSON.parse(request.body) as {name: string}).name === 'Ann' ? 200 : 503});

dialectTest('events: delivered, failed and exhausted carry the ids, attempt, status code, duration and error', async (t, database) => {
	const receiver = await startReceiver(byName);
	try {
		const setup = await appWithHook(t, database, {targetUrl: receiver.url}, {delivery: {maxAttempts: 2, jitter: 0}});
		const seen = record(setup);
		// Found by name: the hooks of a bulk create may fire in any order.
		const rows = await createOwners(setup, ['Ann', 'Bob']);
		const ann = rows.find(row => row.payload?.includes('"Ann"'));
		const bob = rows.find(row => row.payload?.includes('"Bob"'));
		await setup.httpHooks.sendCallbacks();
		await eventually(async () => seen.delivered.length === 1 && seen.failed.length === 1 ? true : undefined, 10_000, 'the first run\'s events');

		t.like(seen.delivered[0], {callbackId: ann!.id, hookId: setup.hookId, attempt: 1, statusCode: 200, error: null});
		t.like(seen.failed[0], {callbackId: bob!.id, hookId: setup.hookId, attempt: 1, statusCode: 503});
		t.true(seen.failed[0]!.nextAttemptAt instanceof Date);
		const [bobAttempt] = await attemptRows(setup.httpHooks, bob!.id);
		t.is(seen.failed[0]!.durationMs, bobAttempt!.durationMs, 'the duration the attempt row holds');
		const bobRow = (await callbackRows(setup.httpHooks)).find(row => row.id === bob!.id)!;
		t.is(seen.failed[0]!.nextAttemptAt.getTime(), new Date(bobRow.nextAttemptAt!).getTime(), 'the next attempt the row holds');

		await makeDue(setup.httpHooks);
		await setup.httpHooks.sendCallbacks();
		await eventually(async () => seen.exhausted.length === 1 ? true : undefined, 10_000, 'the exhausted event');
		t.like(seen.exhausted[0], {callbackId: bob!.id, hookId: setup.hookId, attempt: 2, statusCode: 503});
		t.is(seen.delivered.length, 1);
		t.is(seen.failed.length, 1);
		t.deepEqual(seen.sendError, []);
		t.deepEqual(seen.hookDisabled, []);
	} finally {
		await receiver.close();
	}
});

dialectTest('events: a network error has no status code and says what happened', async (t, database) => {
	const receiver = await startReceiver(() => ({destroy: true}));
	try {
		const setup = await appWithHook(t, database, {targetUrl: receiver.url}, {delivery: {maxAttempts: 1}});
		const seen = record(setup);
		const [ann] = await createOwners(setup, ['Ann']);
		await setup.httpHooks.sendCallbacks();
		await eventually(async () => seen.exhausted.length === 1 ? true : undefined, 10_000, 'the exhausted event');
		const [attempt] = await attemptRows(setup.httpHooks, ann!.id);
		t.like(seen.exhausted[0], {callbackId: ann!.id, attempt: 1, statusCode: null, error: attempt!.error});
		t.truthy(seen.exhausted[0]!.error);
	} finally {
		await receiver.close();
	}
});

dialectTest('events: a 410 Gone disables the hook: exhausted, then hookDisabled with the reason', async (t, database) => {
	const receiver = await startReceiver(() => ({status: 410}));
	try {
		const setup = await appWithHook(t, database, {targetUrl: receiver.url});
		const seen = record(setup);
		await createOwners(setup, ['Ann']);
		await setup.httpHooks.sendCallbacks();
		await eventually(async () => seen.hookDisabled.length === 1 ? true : undefined, 10_000, 'the hookDisabled event');
		t.deepEqual(seen.hookDisabled, [{hookId: setup.hookId, reason: 'endpoint answered 410 Gone'}]);
		t.like(seen.exhausted[0], {hookId: setup.hookId, statusCode: 410});
		t.false((await setup.httpHooks.getHook(setup.hookId)).enabled);
	} finally {
		await receiver.close();
	}
});

dialectTest('events: a problem the sender survives is a sendError, and goes through the logger too', async (t, database) => {
	const receiver = await startReceiver();
	const warnings: string[] = [];
	try {
		const setup = await appWithHook(t, database, {targetUrl: receiver.url}, {logger: {warn: message => warnings.push(message)}});
		const seen = record(setup);
		await createOwners(setup, ['Ann']);
		const summary = await setup.httpHooks.sendCallbacks({
			onProgress() {
				throw new Error('progress display broke');
			},
		});
		t.like(summary, {sent: 1});
		await eventually(async () => seen.sendError.length > 0 ? true : undefined, 10_000, 'the sendError event');
		t.deepEqual(seen.sendError[0], {message: 'onProgress threw', error: 'progress display broke'});
		t.true(warnings.some(line => line.includes('onProgress threw: progress display broke')));
	} finally {
		await receiver.close();
	}
});

dialectTest('events: listeners that throw, reject or never finish change nothing in delivery', async (t, database) => {
	const receiver = await startReceiver(byName);
	const warnings: string[] = [];
	try {
		const setup = await appWithHook(t, database, {targetUrl: receiver.url}, {logger: {warn: message => warnings.push(message)}, delivery: {maxAttempts: 1}});
		let calls = 0;
		for (const name of ['delivered', 'exhausted', 'sendError'] as const) {
			setup.httpHooks.on(name, () => {
				calls++;
				throw new Error(`listener of ${name} broke`);
			});
			setup.httpHooks.on(name, async () => {
				calls++;
				throw new Error('async listener broke');
			});
			// Never settles: the sender must not wait for it.
			setup.httpHooks.on(name, async () => new Promise(() => undefined));
		}

		await createOwners(setup, ['Ann', 'Bob', 'Ann', 'Bob']);
		const summary = await setup.httpHooks.sendCallbacks();
		t.like(summary, {claimed: 4, sent: 2, failed: 2});
		t.deepEqual((await callbackRows(setup.httpHooks)).map(row => `${row.payload?.includes('"Ann"') ? 'Ann' : 'Bob'} ${row.status}`).sort(), ['Ann sent', 'Ann sent', 'Bob error', 'Bob error']);
		await eventually(async () => calls >= 8 ? true : undefined, 10_000, 'every listener called');
		await delay(50);
		// Reported, at most once per event in a minute: not a line per failing call.
		const reports = warnings.filter(line => line.includes('a listener of the'));
		t.true(reports.some(line => line.includes('"delivered" event threw')), reports.join('\n'));
		t.true(reports.some(line => line.includes('"exhausted" event threw')), reports.join('\n'));
		t.is(reports.length, 2, reports.join('\n'));

		// The same again later: delivery goes on as before.
		await createOwners(setup, ['Ann']);
		t.like(await setup.httpHooks.sendCallbacks(), {claimed: 1, sent: 1});
	} finally {
		await receiver.close();
	}
});

test('events: an unknown event or a listener that is not a function is an error naming it', t => {
	const events = new DeliveryEvents(() => undefined);
	t.throws(() => events.on('deliverd' as never, () => undefined), {message: /Unknown event "deliverd"; the events are delivered, failed, exhausted, hookDisabled, sendError/});
	t.throws(() => events.on('delivered', 'log' as never), {message: /listener of "delivered" must be a function, got "log"/});
});

test('events: each listener gets its own copy of the event', async t => {
	const events = new DeliveryEvents(() => undefined);
	const seen: unknown[] = [];
	events.on('hookDisabled', event => {
		(event as {reason: string}).reason = 'changed';
	});
	events.on('hookDisabled', event => {
		seen.push(event);
	});
	events.emit('hookDisabled', {hookId: 1, reason: 'gone'});
	await delay(20);
	t.deepEqual(seen, [{hookId: 1, reason: 'gone'}]);
});
