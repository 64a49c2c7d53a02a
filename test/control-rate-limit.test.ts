import {startReceiver} from '../fixtures/receiver.js';
import {connectHttpHooks} from '../source/index.js';
import {allDialects, dialectTest} from './helpers/dialect-test.js';
import {appWithHook} from './helpers/delivery.js';
import {insertCallbacks} from './helpers/run-cli.js';

const rateLimit = 20;
const windowMs = 5000;

dialectTest(`four senders over one hook limited to ${rateLimit}/s deliver about ${rateLimit}/s together; what is held back is not claimed`, async (t, database) => {
	const receiver = await startReceiver();
	try {
		const {httpHooks, hookId} = await appWithHook(t, database, {targetUrl: `${receiver.url}/hooks`, rateLimit});
		// Far more work than the window allows: the limit, not the queue, decides the rate.
		await insertCallbacks(httpHooks.models, 1000, {hookId, hookName: 'owner created', targetUrl: `${receiver.url}/hooks`, nextAttemptAt: new Date()});

		const stop = new AbortController();
		const senders = await Promise.all(Array.from({length: 4}, async () => connectHttpHooks(database.open())));
		const started = Date.now();
		const runs = senders.map(async sender => sender.sendCallbacks({watch: true, signal: stop.signal, concurrency: 10}));
		await receiver.waitFor(1, 60_000);
		const start = receiver.requests[0]!.receivedAt;
		await new Promise(resolve => setTimeout(resolve, windowMs + 200));
		stop.abort();
		const runSeconds = (Date.now() - started) / 1000;
		const summaries = await Promise.all(runs);

		const inWindow = receiver.requests.filter(request => request.receivedAt - start < windowMs).length;
		const limit = rateLimit * windowMs / 1000;
		t.log(`${inWindow} requests in ${windowMs / 1000} s (limit ${limit}), per sender: ${summaries.map(summary => summary.sent).join(', ')}`);
		// Generous bounds (a noisy machine): the exact figure is in the bench.
		t.true(inWindow <= limit * 1.3, `at most 1.3x the limit: ${inWindow}`);
		t.true(inWindow >= limit * 0.6, `at least 0.6x the limit: ${inWindow}`);
		t.true(summaries.filter(summary => summary.sent > 0).length >= 2, 'more than one sender took part');

		// Held back is not claimed: the claims themselves keep to the limit (those claimed and not
		// started when the senders stopped were given back), and the rest were never touched.
		const claimed = summaries.reduce((sum, summary) => sum + summary.claimed, 0);
		t.true(claimed <= (rateLimit * runSeconds * 1.3) + 10, `${claimed} claimed in ${runSeconds} s`);
		t.is(await httpHooks.models.Callback.count({where: {status: 'sent', attempts: 1}}), receiver.requests.length);
		t.is(await httpHooks.models.Callback.count({where: {status: 'sending'}}), 0);
		t.is(await httpHooks.models.Callback.count({where: {status: 'waiting', attempts: 0, lockedBy: null, statusDetails: null}}), 1000 - receiver.requests.length);
		t.is(await httpHooks.models.Attempt.count(), receiver.requests.length, 'one attempt per request, none for what was held back');
		await Promise.all(senders.map(async sender => sender.close()));
	} finally {
		await receiver.close();
	}
}, {dialects: allDialects, serial: true});

dialectTest('maxInFlight caps the requests of a hook in flight across senders; its other callbacks are not claimed meanwhile', async (t, database) => {
	let inFlight = 0;
	let most = 0;
	const receiver = await startReceiver(async () => {
		inFlight++;
		most = Math.max(most, inFlight);
		await new Promise(resolve => setTimeout(resolve, 200));
		inFlight--;
		return {status: 200};
	});
	try {
		const {httpHooks, hookId} = await appWithHook(t, database, {targetUrl: `${receiver.url}/hooks`, maxInFlight: 2});
		await insertCallbacks(httpHooks.models, 16, {hookId, hookName: 'owner created', targetUrl: `${receiver.url}/hooks`, nextAttemptAt: new Date()});
		const senders = await Promise.all(Array.from({length: 2}, async () => connectHttpHooks(database.open())));
		const summaries = await Promise.all(senders.map(async sender => sender.sendCallbacks({concurrency: 10})));
		t.log(`most in flight: ${most}; sent per sender: ${summaries.map(summary => summary.sent).join(', ')}`);
		t.is(receiver.requests.length, 16, 'a run waits for room under the cap and sends everything that was due');
		t.true(most <= 2, `at most 2 in flight, saw ${most}`);
		t.true(most >= 1);
		t.is(summaries.reduce((sum, summary) => sum + summary.claimed, 0), 16, 'each claimed once');
		t.is(await httpHooks.models.Callback.count({where: {status: 'sent', attempts: 1}}), 16);
		await Promise.all(senders.map(async sender => sender.close()));
	} finally {
		await receiver.close();
	}
}, {dialects: allDialects, serial: true});
