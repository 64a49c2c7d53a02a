import test from 'ava';
import net from 'node:net';
import {QueryTypes} from 'sequelize';
import {startReceiver} from '../fixtures/receiver.js';
import {connectHttpHooks} from '../source/index.js';
import {createTestDatabase} from './helpers/database.js';
import {eventually} from './helpers/callbacks.js';
import {dialectTest} from './helpers/dialect-test.js';
import {appWithHook, createOwners} from './helpers/delivery.js';
import {insertCallbacks, runHooks} from './helpers/run-cli.js';
import {startSender} from './helpers/sender-process.js';

type Sample = {name: string; labels: Record<string, string>; value: number};

/** The samples of a Prometheus text exposition. */
function parseMetrics(text: string): Sample[] {
	return text.split('\n').filter(line => line !== '' && !line.startsWith('#')).map(line => {
		const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
		if (!match) {
			throw new Error(`not a sample: ${line}`);
		}

		const labels = Object.fromEntries([...(match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map(([, key, value]) => [key!, value!]));
		return {name: match[1]!, labels, value: Number(match[3])};
	});
}

/** The sum of a metric's samples whose labels include `labels`. */
function total(samples: Sample[], name: string, labels: Record<string, string> = {}): number {
	return samples.filter(sample => sample.name === name && Object.entries(labels).every(([key, value]) => sample.labels[key] === value))
		.reduce((sum, sample) => sum + sample.value, 0);
}

async function freePort(): Promise<number> {
	const server = net.createServer();
	await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
	const {port} = server.address() as net.AddressInfo;
	await new Promise(resolve => server.close(resolve));
	return port;
}

async function scrape(port: number, path = '/metrics'): Promise<{status: number; text: string}> {
	const response = await fetch(`http://127.0.0.1:${port}${path}`);
	return {status: response.status, text: await response.text()};
}

type Row = Record<string, unknown>;

dialectTest('metrics: /metrics scraped during a real run shows what the database shows afterwards', async (t, database) => {
	// Hook "main": Ann… answered 200, Bob… 503 with a retry an hour away. Hook "gone": 410, which
	// makes the callback final and disables the hook (its other callbacks then wait).
	const receiver = await startReceiver(request => {
		if (request.url.startsWith('/gone')) {
			return {status: 410};
		}

		return (JSON.parse(request.body) as {name: string}).name.startsWith('Ann') ? {status: 200} : {status: 503, headers: {'Retry-After': '3600'}};
	});
	const port = await freePort();
	const setup = await appWithHook(t, database, {name: 'main', targetUrl: `${receiver.url}/main?token=s3cret`});
	const gone = await setup.httpHooks.createHook({name: 'gone', model: 'Owner', signals: ['afterCreate'], targetUrl: `${receiver.url}/gone`, contentType: 'application/json'});
	await createOwners(setup, ['Ann 1', 'Bob 1', 'Ann 2', 'Bob 2', 'Ann 3']);
	const sender = await startSender(['--watch', '--metrics-port', String(port), '--log-format', 'json', '--concurrency', '2', '--database-url', database.url]);
	const select = async (sql: string) => database.sequelize.query<Row>(sql, {type: QueryTypes.SELECT});
	try {
		// During the run: every callback of "main" attempted, the "gone" hook disabled, nothing in flight.
		await eventually(async () => {
			const [row] = await select(`SELECT
				(SELECT COUNT(*) FROM http_callbacks WHERE hook_id = ${setup.hookId} AND attempts = 0) AS untried,
				(SELECT COUNT(*) FROM http_callbacks WHERE status = 'sending') AS sending,
				(SELECT COUNT(*) FROM http_hooks WHERE enabled = ${database.dialect === 'postgres' ? 'false' : '0'}) AS disabled`);
			return Number(row!['untried']) === 0 && Number(row!['sending']) === 0 && Number(row!['disabled']) === 1 ? true : undefined;
		}, 60_000, 'the run has done all it can');

		const attempts = await select(`SELECT c.hook_id, c.status, a.status_code FROM http_callback_attempts a JOIN http_callbacks c ON c.id = a.callback_id`);
		const counts = await select('SELECT hook_id, status, COUNT(*) AS n FROM http_callbacks GROUP BY hook_id, status');
		const dbCount = (hookId: number, status: string) => Number(counts.find(row => Number(row['hook_id']) === hookId && row['status'] === status)?.['n'] ?? 0);

		// The queue's figures are read from the database every 5 s at most: scrape until they are in.
		const samples = await eventually(async () => {
			const {status, text} = await scrape(port);
			t.is(status, 200);
			const parsed = parseMetrics(text);
			return total(parsed, 'http_hooks_callbacks', {hook_id: String(gone.id), status: 'waiting'}) === dbCount(gone.id, 'waiting')
				&& total(parsed, 'http_hooks_hooks_disabled') === 1 ? parsed : undefined;
		}, 30_000, 'the scraped queue figures');
		t.is((await scrape(port, '/healthz')).status, 200);

		const main = String(setup.hookId);
		const goneId = String(gone.id);
		// Attempts by hook and outcome: as many as the attempt rows, with the outcome the rows show.
		t.is(total(samples, 'http_hooks_attempts_total'), attempts.length);
		t.is(total(samples, 'http_hooks_attempts_total', {hook_id: main, outcome: 'delivered', code_class: '2xx'}), dbCount(setup.hookId, 'sent'));
		t.is(total(samples, 'http_hooks_attempts_total', {hook_id: main, outcome: 'failed', code_class: '5xx'}), dbCount(setup.hookId, 'waiting'));
		t.is(total(samples, 'http_hooks_attempts_total', {hook_id: goneId, outcome: 'exhausted', code_class: '4xx'}), dbCount(gone.id, 'error'));
		t.is(dbCount(setup.hookId, 'sent'), 3);
		t.is(dbCount(setup.hookId, 'waiting'), 2);
		t.true(dbCount(gone.id, 'error') >= 1);
		t.is(total(samples, 'http_hooks_attempt_duration_seconds_count'), attempts.length);
		t.true(total(samples, 'http_hooks_claimed_total') >= attempts.length, 'claims: every attempt, and the disabled hook\'s callbacks given back');
		t.is(total(samples, 'http_hooks_in_flight'), 0);
		t.is(total(samples, 'http_hooks_hook_disablements_total', {hook_id: goneId}), 1);
		t.is(total(samples, 'http_hooks_send_errors_total'), 0);

		// The queue as the database holds it (sent callbacks are left out: they only grow).
		for (const status of ['waiting', 'sending', 'error']) {
			for (const hookId of [setup.hookId, gone.id]) {
				t.is(total(samples, 'http_hooks_callbacks', {hook_id: String(hookId), status}), dbCount(hookId, status), `${hookId} ${status}`);
			}
		}

		t.is(total(samples, 'http_hooks_oldest_due_lag_seconds', {hook_id: main}), 0, 'the retries are an hour away');
		t.true(total(samples, 'http_hooks_oldest_due_lag_seconds', {hook_id: goneId}) > 0, 'the disabled hook\'s callbacks wait, due');
		t.is(total(samples, 'http_hooks_hook_info', {hook_id: goneId, hook_name: 'gone', enabled: 'false'}), 1);
		t.is(total(samples, 'http_hooks_hook_info', {hook_id: main, hook_name: 'main', enabled: 'true'}), 1);
		t.is(total(samples, 'http_hooks_database_up'), 1);
		t.true(total(samples, 'process_resident_memory_bytes') > 0, 'the process\'s own metrics');

		// Bounded labels: hooks, outcomes, classes and statuses; never a URL or a callback id.
		const labelNames = new Set(samples.filter(sample => sample.name.startsWith('http_hooks_')).flatMap(sample => Object.keys(sample.labels)));
		t.deepEqual([...labelNames].sort(), ['code_class', 'enabled', 'hook_id', 'hook_name', 'le', 'outcome', 'status']);
		const {text} = await scrape(port);
		t.false(text.includes('127.0.0.1:'), 'no URL');
		t.false(text.includes('s3cret'));
	} finally {
		sender.process.kill('SIGTERM');
		const exit = await sender.exited;
		await receiver.close();
		// JSON logs: the failed attempts and the callbacks that failed for good, with their ids.
		const lines = exit.stderr.split('\n').filter(line => line !== '').map(line => JSON.parse(line) as Record<string, unknown>);
		t.true(lines.every(line => typeof line['time'] === 'string' && typeof line['level'] === 'string' && typeof line['message'] === 'string'), exit.stderr);
		t.true(lines.some(line => line['level'] === 'warn' && line['statusCode'] === 503 && typeof line['callbackId'] === 'number' && line['hookId'] === setup.hookId), exit.stderr);
		t.true(lines.some(line => line['level'] === 'error' && line['statusCode'] === 410 && line['hookId'] === gone.id), exit.stderr);
		t.true(lines.some(line => line['level'] === 'warn' && line['hookId'] === gone.id && String(line['message']).includes('disabled: endpoint answered 410 Gone')), exit.stderr);
	}
}, {serial: true});

test('metrics: the queue is read from the database at most once per interval, not per scrape', async t => {
	const database = await createTestDatabase('sqlite');
	try {
		const httpHooks = await connectHttpHooks(database.sequelize);
		let reads = 0;
		const query = database.sequelize.query.bind(database.sequelize);
		database.sequelize.query = (async (...args: Parameters<typeof query>) => {
			if (String(args[0]).includes('FROM http_callbacks WHERE status IN')) {
				reads++;
			}

			return query(...args);
		}) as typeof query;
		const registry = await httpHooks.metrics({sampleIntervalMs: 60_000});
		await insertCallbacks(httpHooks.models, 2);
		const first = parseMetrics(await registry.metrics());
		await insertCallbacks(httpHooks.models, 3);
		const second = parseMetrics(await Promise.all([registry.metrics(), registry.metrics()]).then(([text]) => text));
		t.is(reads, 1);
		t.is(total(first, 'http_hooks_callbacks', {status: 'waiting'}), 2);
		t.is(total(second, 'http_hooks_callbacks', {status: 'waiting'}), 2, 'the figures of the last read');
		t.is(await httpHooks.metrics({sampleIntervalMs: 0}), registry, 'one registry per handle');
	} finally {
		await database.close();
	}
});

test('metrics: the options are checked', async t => {
	const database = await createTestDatabase('sqlite');
	try {
		const httpHooks = await connectHttpHooks(database.sequelize);
		await t.throwsAsync(httpHooks.metrics({sampleIntervalMs: -1}), {message: /sampleIntervalMs must be a whole number from 0 to 3600000, got "-1"/});
		t.truthy(await httpHooks.metrics(), 'a bad call leaves nothing behind');
		const other = await connectHttpHooks(database.sequelize);
		await t.throwsAsync(other.serveMetrics({port: 70_000}), {message: /port must be a whole number from 0 to 65535, got "70000"/});
	} finally {
		await database.close();
	}
});

dialectTest('stats --prometheus prints the figures of stats --json in the text format', async (t, database) => {
	const receiver = await startReceiver((_request, index) => ({status: index === 0 ? 200 : 500}));
	try {
		const setup = await appWithHook(t, database, {targetUrl: receiver.url});
		await createOwners(setup, ['Ann', 'Bob']);
		await setup.httpHooks.sendCallbacks({concurrency: 1});
		const json = JSON.parse((await runHooks(['stats', '--json', '--database-url', database.url])).stdout) as {hooks: Array<{hookId: number; counts: Record<string, number>; attempts: number; successRate: number; p95Ms: number}>};
		const result = await runHooks(['stats', '--prometheus', '--database-url', database.url]);
		t.is(result.code, 0, result.stderr);
		const samples = parseMetrics(result.stdout);
		const [hook] = json.hooks;
		const id = String(hook!.hookId);
		for (const [status, count] of Object.entries(hook!.counts)) {
			t.is(total(samples, 'http_hooks_callbacks', {hook_id: id, status}), count, status);
		}

		t.is(total(samples, 'http_hooks_window_attempts', {hook_id: id}), hook!.attempts);
		t.is(total(samples, 'http_hooks_window_success_ratio', {hook_id: id}), hook!.successRate);
		t.is(total(samples, 'http_hooks_window_attempt_duration_p95_seconds', {hook_id: id}), hook!.p95Ms / 1000);
		t.is(total(samples, 'http_hooks_hook_info', {hook_id: id, hook_name: 'owner created', enabled: 'true'}), 1);
		t.is(total(samples, 'http_hooks_hooks_disabled'), 0);

		const both = await runHooks(['stats', '--prometheus', '--json', '--database-url', database.url]);
		t.is(both.code, 2);
		t.regex(both.stderr, /either --json or --prometheus/);
	} finally {
		await receiver.close();
	}
});

test('send-callbacks: bad --log-format, --metrics-port or a lone --metrics-host is a usage error', async t => {
	const format = await runHooks(['send-callbacks', '--log-format', 'yaml']);
	t.is(format.code, 2);
	t.regex(format.stderr, /--log-format must be text or json, got "yaml"/);
	const port = await runHooks(['send-callbacks', '--metrics-port', '99999']);
	t.is(port.code, 2);
	t.regex(port.stderr, /--metrics-port must be a whole number from 0 to 65535, got "99999"/);
	const host = await runHooks(['send-callbacks', '--metrics-host', '0.0.0.0']);
	t.is(host.code, 2);
	t.regex(host.stderr, /--metrics-host goes with --metrics-port/);
	const help = await runHooks(['send-callbacks', '--help']);
	t.regex(help.stdout, /--metrics-port/);
	t.regex(help.stdout, /--log-format/);
});

test('metrics: an app that captures never loads prom-client until it asks for metrics', async t => {
	const probe = `
		import {createRequire} from 'node:module';
		const require = createRequire(process.cwd() + '/');
		const {Sequelize, DataTypes} = require('sequelize');
		const {registerHttpHooks} = await import('./source/index.ts');
		const sequelize = new Sequelize({dialect: 'sqlite', storage: ':memory:', logging: false});
		const Item = sequelize.define('Item', {name: DataTypes.STRING});
		await sequelize.sync();
		const httpHooks = await registerHttpHooks(sequelize);
		await httpHooks.createHook({name: 'x', model: 'Item', signals: ['afterCreate'], targetUrl: 'http://127.0.0.1:9/x'});
		await Item.create({name: 'a'});
		const loaded = () => Object.keys(require.cache).some(file => file.includes('/prom-client/'));
		const before = loaded();
		await httpHooks.metrics();
		console.log(JSON.stringify({before, after: loaded()}));
		await httpHooks.close();
		await sequelize.close();
	`;
	const {execFile} = await import('node:child_process');
	const {repoRoot} = await import('./helpers/run-cli.js');
	const stdout = await new Promise<string>((resolve, reject) => {
		execFile(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', probe], {cwd: repoRoot}, (error, out, stderr) => error ? reject(new Error(stderr)) : resolve(out));
	});
	t.deepEqual(JSON.parse(stdout.trim().split('\n').at(-1)!), {before: false, after: true});
});
