import test from 'ava';
import {connectHttpHooks, HttpHooksError} from '../source/index.js';
import {dialectTest} from './helpers/dialect-test.js';
import {insertCallbacks, minutesAgo, runHooks} from './helpers/run-cli.js';

dialectTest('monitor-callbacks: every level, its exit code, the time window and the output line', async (t, db) => {
	const httpHooks = await connectHttpHooks(db.sequelize);
	await insertCallbacks(httpHooks.models, 12, {status: 'error', createdAt: minutesAgo(3), updatedAt: minutesAgo(2)});
	await insertCallbacks(httpHooks.models, 30, {status: 'error', createdAt: minutesAgo(200), updatedAt: minutesAgo(120)});
	await insertCallbacks(httpHooks.models, 5, {status: 'waiting', updatedAt: minutesAgo(1)});
	await insertCallbacks(httpHooks.models, 7, {status: 'sent', updatedAt: minutesAgo(1)});
	const monitor = async (...args: string[]) => runHooks(['monitor-callbacks', '--database-url', db.url, ...args]);

	const [warning, critical, ok, atLimit] = await Promise.all([
		monitor('--status', 'error', '--callbacks-limit', '10', '--minutes-ago', '10', '--critical', '50'),
		monitor('--status', 'error', '--callbacks-limit', '10', '--critical', '40'),
		monitor('--status', 'waiting', '--json'),
		monitor('--status', 'error', '--minutes-ago', '10', '--callbacks-limit', '12'),
	]);

	// Only the 12 updated in the last 10 minutes count; the 30 older ones are outside the window.
	t.is(warning.stdout, 'CALLBACKS WARNING - 12 error callbacks in the last 10 min (limit 10) | error=12;10;50;0\n');
	t.is(warning.code, 1);
	t.is(critical.stdout, 'CALLBACKS CRITICAL - 42 error callbacks in total (critical 40) | error=42;10;40;0\n');
	t.is(critical.code, 2);
	t.deepEqual(JSON.parse(ok.stdout), {status: 'waiting', count: 5, limit: 10, critical: null, minutesAgo: null, level: 'ok'});
	t.is(ok.code, 0);
	// A count equal to the limit is not more than the limit.
	t.is(atLimit.stdout, 'CALLBACKS OK - 12 error callbacks in the last 10 min (limit 12) | error=12;12;;0\n');
	t.is(atLimit.code, 0);
	t.is(warning.stderr + critical.stderr + ok.stderr + atLimit.stderr, '');
});

dialectTest('monitor-callbacks: the library call counts by update time', async (t, db) => {
	const httpHooks = await connectHttpHooks(db.sequelize);
	await insertCallbacks(httpHooks.models, 3, {status: 'waiting', createdAt: minutesAgo(600), updatedAt: minutesAgo(9)});
	await insertCallbacks(httpHooks.models, 4, {status: 'waiting', createdAt: minutesAgo(1), updatedAt: minutesAgo(11)});
	t.like(await httpHooks.monitorCallbacks({status: 'waiting', minutesAgo: 10, callbacksLimit: 2}), {count: 3, level: 'warning', minutesAgo: 10});
	t.like(await httpHooks.monitorCallbacks({status: 'waiting', minutesAgo: 10, callbacksLimit: 0, critical: 2}), {count: 3, level: 'critical'});
	t.like(await httpHooks.monitorCallbacks({status: 'waiting'}), {count: 7, limit: 10, level: 'ok'});
	t.like(await httpHooks.monitorCallbacks({status: 'error', callbacksLimit: 0}), {count: 0, level: 'ok'});
});

dialectTest('monitor-callbacks: bad options are errors naming the value', async (t, db) => {
	const httpHooks = await connectHttpHooks(db.sequelize);
	const bad = async (options: unknown, message: RegExp) => {
		await t.throwsAsync(httpHooks.monitorCallbacks(options as never), {instanceOf: HttpHooksError, message});
	};

	await bad({status: 'sent'}, /Status "sent" cannot be monitored: use error, waiting or cancelled/);
	await bad({}, /A status to monitor is required: error, waiting or cancelled/);
	await bad({status: 'error', callbacksLimit: -1}, /callbacksLimit must be a whole number from 0 to 1000000000, got "-1"/);
	await bad({status: 'error', callbacksLimit: 2.5}, /callbacksLimit must be a whole number from 0 to 1000000000, got "2.5"/);
	await bad({status: 'error', minutesAgo: 0}, /minutesAgo must be a whole number from 1 to 527040, got "0"/);
	await bad({status: 'error', callbacksLimit: 10, critical: 5}, /Critical limit "5" is below the callbacks limit "10"/);
});

test('monitor-callbacks: a bad value is UNKNOWN, exit 3, in one line on stdout', async t => {
	const results = await Promise.all([
		runHooks(['monitor-callbacks', '--status', 'sent']),
		runHooks(['monitor-callbacks']),
		runHooks(['monitor-callbacks', '--status', 'error', '--callbacks-limit', 'ten']),
		runHooks(['monitor-callbacks', '--status', 'bogus', '--json']),
	]);
	t.deepEqual(results.map(result => result.code), [3, 3, 3, 3]);
	t.is(results[0]!.stdout, 'CALLBACKS UNKNOWN - Status "sent" cannot be monitored: use error, waiting or cancelled\n');
	t.is(results[1]!.stdout, 'CALLBACKS UNKNOWN - --status is required: error, waiting or cancelled\n');
	t.is(results[2]!.stdout, 'CALLBACKS UNKNOWN - --callbacks-limit must be a whole number from 0 to 1000000000, got "ten"\n');
	t.deepEqual(JSON.parse(results[3]!.stdout), {level: 'unknown', message: 'Status "bogus" cannot be monitored: use error, waiting or cancelled'});
	t.is(results.map(result => result.stderr).join(''), '');
});
