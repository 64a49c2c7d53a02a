import {allDialects, dialectTest} from './helpers/dialect-test.js';
import {defineAppModels} from './helpers/app.js';
import {runHooks} from './helpers/run-cli.js';
import {registerHttpHooks} from '../source/index.js';

const minute = 60_000;

dialectTest('stats: counts by status, lag, success rate and latency percentiles per hook', async (t, database) => {
	await defineAppModels(database.sequelize);
	const httpHooks = await registerHttpHooks(database.sequelize);
	const fast = await httpHooks.createHook({name: 'fast', model: 'Pet', signals: ['afterCreate'], targetUrl: 'http://127.0.0.1:9/a'});
	const idle = await httpHooks.createHook({name: 'idle', model: 'Pet', signals: ['afterUpdate'], targetUrl: 'http://127.0.0.1:9/b'});
	const now = Date.now();
	const callback = (status: string, nextAttemptAt: Date | null) => ({
		hookId: fast.id, hookName: 'fast', eventType: 'created', webhookId: `msg_${Math.random()}`, targetUrl: fast.targetUrl, httpMethod: 'POST',
		headers: '{}', payload: '{}', status, nextAttemptAt,
	});
	const rows = await httpHooks.models.Callback.bulkCreate([
		callback('waiting', new Date(now - (5 * minute))), // due five minutes ago: the lag
		callback('waiting', new Date(now - minute)),
		callback('waiting', new Date(now + (10 * minute))), // not due yet: no lag
		callback('sent', null),
		callback('error', null),
	] as never[]);
	// Twenty attempts in the last hour: 1..20 ms, the first five failed; one old attempt outside the window.
	await httpHooks.models.Attempt.bulkCreate([
		...Array.from({length: 20}, (_, index) => ({
			callbackId: rows[3]!.id, attempt: index + 1, startedAt: new Date(now - (10 * minute)), durationMs: index + 1, statusCode: index < 5 ? 500 : 200,
		})),
		{callbackId: rows[4]!.id, attempt: 1, startedAt: new Date(now - (120 * minute)), durationMs: 9999, statusCode: 500},
	] as never[]);

	const stats = await httpHooks.stats({now: new Date(now)});
	t.is(stats.length, 2);
	t.deepEqual(stats[0], {
		hookId: fast.id, hookName: 'fast', counts: {waiting: 3, sending: 0, sent: 1, error: 1, cancelled: 0}, lagSeconds: 300,
		attempts: 20, successRate: 0.75, p50Ms: 10, p95Ms: 19,
	});
	t.deepEqual(stats[1], {
		hookId: idle.id, hookName: 'idle', counts: {waiting: 0, sending: 0, sent: 0, error: 0, cancelled: 0}, lagSeconds: null,
		attempts: 0, successRate: null, p50Ms: null, p95Ms: null,
	});
	t.like((await httpHooks.stats({now: new Date(now), windowMinutes: 180}))[0], {attempts: 21, successRate: 15 / 21, p95Ms: 20}, 'a wider window takes the old attempt in');
	await t.throwsAsync(httpHooks.stats({windowMinutes: 0}), {message: /^windowMinutes must be a whole number from 1 to 527040, got "0"$/});
	t.deepEqual(await httpHooks.stats({now: new Date(now), hookId: fast.id}), [stats[0]!], 'one hook alone: the same figures');
	t.deepEqual(await httpHooks.stats({now: new Date(now), hookId: idle.id}), [stats[1]!], 'the other hook\'s callbacks and attempts stay out');
	await t.throwsAsync(httpHooks.stats({hookId: 0}), {message: /^hookId must be a whole number from 1 to 9007199254740991, got "0"$/});

	const table = await runHooks(['stats', '--database-url', database.url]);
	t.is(table.code, 0, table.stderr);
	t.regex(table.stdout, /HOOK\s+WAITING\s+SENDING\s+SENT\s+ERROR\s+CANCELLED\s+LAG\s+ATTEMPTS\/60M\s+SUCCESS\s+P50\s+P95/);
	t.regex(table.stdout, /fast\s+3\s+0\s+1\s+1\s+0\s+5m\s+20\s+75\.0%\s+10ms\s+19ms/);
	const json = await runHooks(['stats', '--database-url', database.url, '--json']);
	t.is(JSON.parse(json.stdout).hooks[0].attempts, 20);
	const one = await runHooks(['stats', '--database-url', database.url, '--hook-id', String(idle.id), '--json']);
	t.deepEqual(JSON.parse(one.stdout).hooks.map((hook: {hookName: string}) => hook.hookName), ['idle']);
	const bad = await runHooks(['stats', '--database-url', database.url, '--window-minutes', '-3']);
	t.is(bad.code, 2);
	t.regex(bad.stderr, /--window-minutes must be a whole number from 1 to 527040, got "-3"/);
	const badHook = await runHooks(['stats', '--database-url', database.url, '--hook-id', 'pets']);
	t.is(badHook.code, 2);
	t.regex(badHook.stderr, /--hook-id must be a whole number from 1 to 9007199254740991, got "pets"/);
	await httpHooks.close();
}, {dialects: allDialects});
