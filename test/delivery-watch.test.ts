import {setTimeout as delay} from 'node:timers/promises';
import {startReceiver} from '../fixtures/receiver.js';
import {eventually} from './helpers/callbacks.js';
import {dialectTest} from './helpers/dialect-test.js';
import {appWithHook, callbackRows, createOwners} from './helpers/delivery.js';

dialectTest('watch: new callbacks are sent as they come (PostgreSQL: woken by NOTIFY, not the poll)', async (t, database) => {
	const receiver = await startReceiver();
	const controller = new AbortController();
	try {
		// On PostgreSQL the poll is an hour away: only the notification can wake the sender in time.
		const pollIntervalMs = database.dialect === 'postgres' ? 3_600_000 : 100;
		const setup = await appWithHook(t, database, {targetUrl: receiver.url}, {delivery: {pollIntervalMs}});
		await createOwners(setup, ['Ann']);
		const running = setup.httpHooks.sendCallbacks({watch: true, signal: controller.signal});

		await receiver.waitFor(1, 20_000);
		await eventually(async () => (await callbackRows(setup.httpHooks)).every(callback => callback.status === 'sent') ? true : undefined, 20_000, 'the first callback sent');
		// Let the sender go back to waiting before the next callback arrives.
		await delay(300);
		await setup.app.Owner.create({name: 'Bob'});
		await receiver.waitFor(2, 20_000);
		t.deepEqual(receiver.requests.map(request => JSON.parse(request.body).name), ['Ann', 'Bob']);

		controller.abort();
		t.like(await running, {claimed: 2, sent: 2, failed: 0});
		t.true((await callbackRows(setup.httpHooks)).every(callback => callback.status === 'sent'));
	} finally {
		controller.abort();
		await receiver.close();
	}
});

dialectTest('watch: a retry is sent again when it comes due', async (t, database) => {
	const receiver = await startReceiver((_request, index) => ({status: index === 0 ? 503 : 200}));
	const controller = new AbortController();
	try {
		const setup = await appWithHook(t, database, {targetUrl: receiver.url}, {delivery: {pollIntervalMs: 50, retryDelaysMs: [200], jitter: 0}});
		const [callback] = await createOwners(setup, ['Ann']);
		const running = setup.httpHooks.sendCallbacks({watch: true, signal: controller.signal});
		await receiver.waitFor(2, 20_000);
		await eventually(async () => (await callbackRows(setup.httpHooks))[0]!.status === 'sent' ? true : undefined, 20_000, 'the retry recorded');
		controller.abort();
		t.like(await running, {claimed: 2, sent: 1, retrying: 1});
		t.is(receiver.requests[1]!.headers['webhook-id'], callback!.webhookId);
		t.true(receiver.requests[1]!.receivedAt - receiver.requests[0]!.receivedAt >= 200, 'not before its time');
	} finally {
		controller.abort();
		await receiver.close();
	}
});

dialectTest('stopping a run that is waiting returns at once with its summary', async (t, database) => {
	const receiver = await startReceiver();
	const controller = new AbortController();
	try {
		const setup = await appWithHook(t, database, {targetUrl: receiver.url}, {delivery: {pollIntervalMs: 3_600_000}});
		const running = setup.httpHooks.sendCallbacks({watch: true, signal: controller.signal});
		await delay(200);
		controller.abort();
		t.like(await running, {claimed: 0, sent: 0});
	} finally {
		controller.abort();
		await receiver.close();
	}
});
