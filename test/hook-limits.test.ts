import {QueryTypes} from 'sequelize';
import {hookDetailLines} from '../cli/tui/detail-lines.js';
import {createTheme} from '../cli/tui/theme.js';
import {startReceiver} from '../fixtures/receiver.js';
import {HttpHooksError} from '../source/index.js';
import {dialectTest} from './helpers/dialect-test.js';
import {appWithHook, callbackRow, createOwners, makeDue} from './helpers/delivery.js';
import {runHooks} from './helpers/run-cli.js';

dialectTest('a hook stores its rate limit, in-flight cap and retry schedule, and clears them with null', async (t, database) => {
	const {httpHooks, hookId} = await appWithHook(t, database, {targetUrl: 'http://127.0.0.1:9/hooks', rateLimit: 2.5, maxInFlight: 3, maxAttempts: 4, retryDelays: [0, 1000, 60_000]});
	const created = await httpHooks.getHook(hookId);
	t.like(created, {rateLimit: 2.5, maxInFlight: 3, maxAttempts: 4, retryDelays: [0, 1000, 60_000]});
	const [row] = await database.sequelize.query<{retry_delays: string}>('SELECT retry_delays FROM http_hooks WHERE id = :hookId', {replacements: {hookId}, type: QueryTypes.SELECT});
	t.is(row?.retry_delays, '[0,1000,60000]', 'stored as JSON text');

	const updated = await httpHooks.updateHook(hookId, {rateLimit: 20, retryDelays: [5]});
	t.like(updated, {rateLimit: 20, maxInFlight: 3, maxAttempts: 4, retryDelays: [5]});
	const cleared = await httpHooks.updateHook(hookId, {rateLimit: null, maxInFlight: null, maxAttempts: null, retryDelays: null});
	t.like(cleared, {rateLimit: null, maxInFlight: null, maxAttempts: null, retryDelays: null});
	t.like(await httpHooks.getHook(hookId), {rateLimit: null, retryDelays: null});
});

dialectTest('a hook\'s maxAttempts and retryDelays override the sender\'s schedule for its callbacks only', async (t, database) => {
	const receiver = await startReceiver(() => ({status: 500}));
	try {
		const setup = await appWithHook(t, database, {targetUrl: `${receiver.url}/hooks`, maxAttempts: 2, retryDelays: [60_000]});
		const plain = await setup.httpHooks.createHook({name: 'plain', model: 'Owner', signals: ['afterCreate'], targetUrl: `${receiver.url}/plain`});
		await createOwners(setup, ['Ann']);
		const before = Date.now();
		t.like(await setup.httpHooks.sendCallbacks(), {claimed: 2, retrying: 2});
		const own = await setup.httpHooks.models.Callback.findOne({where: {hookId: setup.hookId}});
		const other = await setup.httpHooks.models.Callback.findOne({where: {hookId: plain.id}});
		const ownDelay = own!.nextAttemptAt!.getTime() - before;
		const otherDelay = other!.nextAttemptAt!.getTime() - before;
		t.true(ownDelay >= 48_000 && ownDelay <= 80_000, `the hook's first retry: 60 s ± 20 %, got ${ownDelay} ms`);
		t.true(otherDelay >= 3000 && otherDelay <= 20_000, `the sender's first retry: 5 s ± 20 %, got ${otherDelay} ms`);

		await makeDue(setup.httpHooks);
		t.like(await setup.httpHooks.sendCallbacks(), {claimed: 2, retrying: 1, failed: 1});
		t.like(await callbackRow(setup.httpHooks, own!.id), {status: 'error', attempts: 2}, 'the hook allows 2 attempts');
		t.like(await callbackRow(setup.httpHooks, other!.id), {status: 'waiting', attempts: 2}, 'the sender allows 8');

		// A changed schedule applies to the next attempt.
		await setup.httpHooks.updateHook(plain.id, {maxAttempts: 3, retryDelays: [0]});
		await makeDue(setup.httpHooks);
		t.like(await setup.httpHooks.sendCallbacks(), {claimed: 1, failed: 1});
		t.like(await callbackRow(setup.httpHooks, other!.id), {status: 'error', attempts: 3});
	} finally {
		await receiver.close();
	}
});

const bad: Array<[string, unknown, RegExp]> = [
	['rateLimit', -1, /rateLimit \(requests per second\) must be a number from 0\.01 to 100000, got "-1"/],
	['rateLimit', 0, /got "0"/],
	['rateLimit', Number.NaN, /got "NaN"/],
	['rateLimit', Number.POSITIVE_INFINITY, /got "Infinity"/],
	['rateLimit', 1e9, /got "1000000000"/],
	['rateLimit', '20', /got "20"/],
	['rateLimit', {valueOf: () => 5}, /rateLimit.*got "\{\}"/],
	['maxInFlight', 0, /maxInFlight must be a whole number from 1 to 100000, got "0"/],
	['maxInFlight', 2.5, /got "2.5"/],
	['maxInFlight', -3, /got "-3"/],
	['maxAttempts', 1.5, /maxAttempts must be a whole number from 1 to 1000, got "1.5"/],
	['maxAttempts', '3', /maxAttempts.*got "3"/],
	['maxAttempts', 1e6, /got "1000000"/],
	['retryDelays', 'abc', /retryDelays must be a list of waits in ms such as \[1000, 60000\], or null, got "abc"/],
	['retryDelays', {length: 1, 0: 5}, /retryDelays must be a list/],
	['retryDelays', [], /retryDelays \(its length\) must be a whole number from 1 to 1000, got "0"/],
	['retryDelays', [1000, -1], /retryDelays\[1\] must be a whole number from 0 to 2592000000, got "-1"/],
	['retryDelays', [1.5], /retryDelays\[0\].*got "1.5"/],
	['retryDelays', [{valueOf: () => 5}], /retryDelays\[0\].*got "\{\}"/],
	['retryDelays', ['5'], /retryDelays\[0\].*got "5"/],
	['retryDelays', Array.from({length: 1001}, () => 1), /retryDelays \(its length\).*got "1001"/],
];

dialectTest('bad rate limits, caps and schedules are refused with the field and the value named; nothing is saved', async (t, database) => {
	const {httpHooks, hookId} = await appWithHook(t, database, {targetUrl: 'http://127.0.0.1:9/hooks'});
	for (const [field, value, message] of bad) {
		const created = await t.throwsAsync(httpHooks.createHook({name: `bad ${field}`, model: 'Owner', signals: ['afterCreate'], targetUrl: 'http://127.0.0.1:9/x', [field]: value}), {instanceOf: HttpHooksError, message}, `${field} = ${String(value)}`);
		t.is(created?.field, field);
		await t.throwsAsync(httpHooks.updateHook(hookId, {[field]: value}), {instanceOf: HttpHooksError, message});
	}

	t.is(await httpHooks.models.Hook.count(), 1, 'no bad hook created');
	t.like(await httpHooks.getHook(hookId), {rateLimit: null, maxInFlight: null, maxAttempts: null, retryDelays: null}, 'nothing updated');
});

dialectTest('list-hooks shows limits and schedules (JSON: the fields); the console\'s detail pane too', async (t, database) => {
	const {httpHooks, hookId} = await appWithHook(t, database, {targetUrl: 'http://127.0.0.1:9/hooks', rateLimit: 20, maxInFlight: 5, maxAttempts: 4, retryDelays: [5000, 60_000]});
	await httpHooks.createHook({name: 'plain', model: 'Owner', signals: ['afterCreate'], targetUrl: 'http://127.0.0.1:9/plain'});
	const listed = await runHooks(['list-hooks', '--database-url', database.url]);
	t.is(listed.code, 0, listed.stderr);
	t.regex(listed.stdout, /LIMITS +RETRIES/);
	t.regex(listed.stdout, /20\/s · 5 in flight +4 attempts · retries 5s, 1m/);
	t.regex(listed.stdout, /none +sender's/);
	const json = JSON.parse((await runHooks(['list-hooks', '--json', '--database-url', database.url])).stdout) as Array<Record<string, unknown>>;
	t.like(json[0], {id: hookId, rateLimit: 20, maxInFlight: 5, maxAttempts: 4, retryDelays: [5000, 60_000]});
	t.like(json[1], {rateLimit: null, maxInFlight: null, maxAttempts: null, retryDelays: null});

	const text = hookDetailLines({...await httpHooks.getHook(hookId), waiting: 0, error: 0}, 100, createTheme({NO_COLOR: '1'})).map(line => line.text).join('\n');
	t.regex(text, /Limits +20\/s \(bursts of 10\) · 5 in flight, all senders together/);
	t.regex(text, /Retries +4 attempts · retries 5s, 1m \(the hook's own schedule\)/);
});
