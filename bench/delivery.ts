// Send throughput end to end (claim, send, record) on SQLite, PostgreSQL and MariaDB, next to a bare
// node-fetch loop and a bare node:http loop with the same concurrency against the same keep-alive
// receiver, which runs in a process of its own; then a receiver that takes 50 ms per request;
// then the built `hooks send-callbacks` as users run it (process start included) against a bare
// node-fetch program, and the start-up of `hooks --help`; then the peak RSS of the built
// `hooks send-callbacks` going through 200,000 waiting callbacks;
// then what delivery events, metrics and tracing cost the sender, each against all of them off.
// Variants run interleaved in rounds; the median round is reported. Nothing is asserted.
import {fork, type ChildProcess} from 'node:child_process';
import {randomUUID} from 'node:crypto';
import {rmSync, writeFileSync} from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import fetch from 'node-fetch';
import {QueryTypes, type Sequelize} from 'sequelize';
import {connectHttpHooks, type HttpHooks} from '../source/index.js';
import {createTestDatabase, servers, type Dialect, type TestDatabase} from '../test/helpers/database.js';
import {appTracing} from './app-tracing.js';
import {buildInto, measureNode} from './child-process.js';
import {run as runDeliveryControl} from './delivery-control.js';

const count = Number(process.env['BENCH_DELIVERY_COUNT'] ?? 10_000);
const rounds = Number(process.env['BENCH_DELIVERY_ROUNDS'] ?? 5);
const concurrency = Number(process.env['BENCH_DELIVERY_CONCURRENCY'] ?? 20);
const slowCount = Number(process.env['BENCH_DELIVERY_SLOW_COUNT'] ?? 5000);
const slowConcurrency = 50;
const slowDelayMs = 50;
const rssCount = Number(process.env['BENCH_DELIVERY_RSS_COUNT'] ?? 200_000);
// The bare loop's memory levels off within seconds; this many requests show its peak.
const bareMemoryCount = 60_000;

const payload = JSON.stringify({
	object_type: 'Order', object_id: 123_456, event_type: 'updated',
	object_serialization: {customer: 'Ann Example', email: 'ann@example.com', total: '129.90', currency: 'EUR', items: 3, note: 'leave at the door'},
});
const headers = {'Content-Type': 'application/json', 'X-Api-Key': '12345'};
const self = fileURLToPath(import.meta.url);

// ---------------------------------------------------------------------------------------------
// The receiver, in a child process of its own.

async function serveReceiver(delayMs: number): Promise<void> {
	const server = http.createServer((request, response) => {
		request.resume();
		request.on('end', () => {
			const answer = () => response.end('ok');
			if (delayMs > 0) {
				setTimeout(answer, delayMs);
			} else {
				answer();
			}
		});
	});
	server.keepAliveTimeout = 60_000;
	server.listen(0, '127.0.0.1', () => process.send!({port: (server.address() as {port: number}).port}));
}

// ---------------------------------------------------------------------------------------------

type Receiver = {url: string; child: ChildProcess};

async function startReceiver(delayMs: number): Promise<Receiver> {
	const child = fork(self, ['receiver', String(delayMs)], {execArgv: ['--import', 'tsx']});
	const {port} = await new Promise<{port: number}>(resolve => child.once('message', message => resolve(message as {port: number})));
	return {url: `http://127.0.0.1:${port}/hooks`, child};
}

async function pool(total: number, width: number, task: () => Promise<void>): Promise<void> {
	let left = total;
	await Promise.all(Array.from({length: width}, async () => {
		while (left > 0) {
			left--;
			await task();
		}
	}));
}

async function bareHttp(url: string, total: number, width: number): Promise<number> {
	const agent = new http.Agent({keepAlive: true, maxSockets: width});
	const target = new URL(url);
	const body = Buffer.from(payload);
	const started = performance.now();
	await pool(total, width, async () => new Promise<void>((resolve, reject) => {
		const request = http.request({host: target.hostname, port: target.port, path: target.pathname, method: 'POST', agent, headers: {...headers, 'Content-Length': body.length}}, response => {
			response.resume();
			response.on('end', resolve);
		});
		request.on('error', reject);
		request.end(body);
	}));
	agent.destroy();
	return total / ((performance.now() - started) / 1000);
}

async function bareFetch(url: string, total: number, width: number): Promise<number> {
	const agent = new http.Agent({keepAlive: true, maxSockets: width});
	const started = performance.now();
	await pool(total, width, async () => {
		const response = await fetch(url, {method: 'POST', headers, body: Buffer.from(payload), agent, redirect: 'manual'});
		await response.text();
	});
	agent.destroy();
	return total / ((performance.now() - started) / 1000);
}

/** Insert waiting callbacks, due now, in multi-row statements (not timed). */
async function insertCallbacks(sequelize: Sequelize, url: string, total: number): Promise<void> {
	const columns = ['hook_name', 'model', 'object_id', 'event_type', 'webhook_id', 'target_url', 'http_method', 'content_type', 'headers', 'payload', 'status', 'attempts', 'next_attempt_at', 'created_at', 'updated_at'];
	const row = `(${columns.map(() => '?').join(', ')})`;
	const now = new Date();
	for (let done = 0; done < total;) {
		const size = Math.min(1000, total - done);
		const values = Array.from({length: size}, (_, index) => [
			'bench', 'Order', String(done + index), 'updated', `msg_${randomUUID().replaceAll('-', '')}`, url, 'POST', 'application/json', JSON.stringify(headers), payload, 'waiting', 0, now, now, now,
		]);
		await sequelize.query(`INSERT INTO http_callbacks (${columns.join(', ')}) VALUES ${values.map(() => row).join(', ')}`, {replacements: values.flat(), type: QueryTypes.INSERT});
		done += size;
	}
}

async function senderRate(database: TestDatabase, url: string, total: number, width: number, handle?: HttpHooks, expected = total): Promise<number> {
	const httpHooks = handle ?? await connectHttpHooks(database.sequelize);
	await insertCallbacks(database.sequelize, url, total);
	const summary = await httpHooks.sendCallbacks({concurrency: width});
	if (summary.sent !== expected) {
		throw new Error(`the sender sent ${summary.sent} of ${expected}`);
	}

	return expected / (summary.durationMs / 1000);
}

function median(values: number[]): number {
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.floor(sorted.length / 2)]!;
}

const format = (value: number) => value.toFixed(0).padStart(6);
const label = (text: string) => text.padEnd(40);

// Servers are measured when their test variable names one (the same as the test suite's).
let said = false;
function dialects(): Dialect[] {
	const configured = (['postgres', 'mariadb'] as const).filter(dialect => servers[dialect].url);
	if (!said && configured.length < 2) {
		said = true;
		console.log('(set HTTP_HOOKS_TEST_PG=postgres://… and HTTP_HOOKS_TEST_MARIADB=mariadb://… to measure the servers too)');
	}

	return ['sqlite', ...configured];
}

async function throughput(): Promise<void> {
	const receiver = await startReceiver(0);
	const databases = new Map<Dialect, TestDatabase>();
	try {
		for (const dialect of dialects()) {
			databases.set(dialect, await createTestDatabase(dialect));
		}

		console.log(`Receiver in its own process answering at once (keep-alive); concurrency ${concurrency}; ${count} requests per variant and round; rates: median of ${rounds} rounds; ratios: median of the ratios within each round.\n`);
		await bareFetch(receiver.url, 500, concurrency);
		const rates = new Map<string, number[]>();
		const note = (name: string, rate: number) => rates.set(name, [...rates.get(name) ?? [], rate]);
		for (let round = 0; round < rounds; round++) {
			note('bare node:http loop', await bareHttp(receiver.url, count, concurrency));
			note('bare node-fetch loop', await bareFetch(receiver.url, count, concurrency));
			for (const [dialect, database] of databases) {
				note(`sender, ${dialect}`, await senderRate(database, receiver.url, count, concurrency));
			}
		}

		// Ratios are taken within each round, where the variants ran seconds apart, and the median
		// of those is reported: the load of a shared machine moves more between rounds than within one.
		const fetchRates = rates.get('bare node-fetch loop')!;
		const httpRates = rates.get('bare node:http loop')!;
		const ratio = (values: number[], base: number[]) => median(values.map((value, round) => value / base[round]!));
		for (const [name, values] of rates) {
			const unit = name.startsWith('sender') ? 'callbacks/s' : 'requests/s';
			console.log(`${label(name)} ${format(median(values))} ${unit.padEnd(11)}  ${ratio(values, fetchRates).toFixed(2)} × node-fetch  ${ratio(values, httpRates).toFixed(2)} × node:http   rounds: ${values.map(value => value.toFixed(0)).join(', ')}`);
		}
	} finally {
		for (const database of databases.values()) {
			await database.close();
		}

		receiver.child.kill();
	}
}

async function slowReceiver(): Promise<void> {
	const receiver = await startReceiver(slowDelayMs);
	const ideal = slowConcurrency / (slowDelayMs / 1000);
	console.log(`\nReceiver taking ${slowDelayMs} ms per request; concurrency ${slowConcurrency}: at most ${ideal.toFixed(0)}/s (concurrency / ${slowDelayMs} ms); ${slowCount} callbacks.\n`);
	try {
		console.log(`${label('bare node-fetch loop')} ${format(await bareFetch(receiver.url, slowCount, slowConcurrency))} requests/s`);
		for (const dialect of dialects()) {
			const database = await createTestDatabase(dialect);
			try {
				const rate = await senderRate(database, receiver.url, slowCount, slowConcurrency);
				console.log(`${label(`sender, ${dialect}`)} ${format(rate)} callbacks/s  ${(rate / ideal).toFixed(2)} × concurrency / ${slowDelayMs} ms`);
			} finally {
				await database.close();
			}
		}
	} finally {
		receiver.child.kill();
	}
}

/** Compile the library and the programs as `npm run build` does, into a temporary directory. */
function build(): string {
	const directory = buildInto('http-hooks-bench-delivery-');

	// The bare loop, in a process that loaded the same modules and opened the same database.
	writeFileSync(path.join(directory, 'bare-loop.mjs'), `
		import http from 'node:http';
		import fetch from 'node-fetch';
		import {connectHttpHooks} from './source/index.js';
		import {openDatabase} from './source/store/open-database.js';
		const [url, target, count, width, body] = process.argv.slice(2);
		const sequelize = openDatabase(url);
		await connectHttpHooks(sequelize, {migrate: false});
		const startRss = process.memoryUsage().rss;
		const agent = new http.Agent({keepAlive: true, maxSockets: Number(width)});
		let left = Number(count);
		const started = performance.now();
		await Promise.all(Array.from({length: Number(width)}, async () => {
			while (left-- > 0) {
				const response = await fetch(target, {method: 'POST', headers: ${JSON.stringify(headers)}, body: Buffer.from(body), agent});
				await response.text();
			}
		}));
		agent.destroy();
		await sequelize.close();
		process.stdout.write(JSON.stringify({startRss, durationMs: performance.now() - started}));
	`);
	return directory;
}

// With the heap capped, V8 collects garbage sooner instead of letting it pile up: what stays is
// what the sender really holds.
const heapCap = 64;

/** A measured child that must succeed: the figures of a failed run mean nothing. */
async function measured(args: string[]) {
	const run = await measureNode(args);
	if (run.code !== 0) {
		throw new Error(`node ${args.join(' ')} exited ${run.code}: ${run.stderr}`);
	}

	return run;
}

async function peakMemory(): Promise<void> {
	const directory = build();
	const receiver = await startReceiver(0);
	const database = await createTestDatabase('sqlite');
	try {
		await connectHttpHooks(database.sequelize);
		const bareCount = Math.min(rssCount, bareMemoryCount);
		console.log(`\nPeak RSS (ru_maxrss) of \`hooks send-callbacks --concurrency ${concurrency}\`, built to JavaScript as published, sending`);
		console.log(`${rssCount} waiting callbacks (SQLite), with node's default heap and with --max-old-space-size=${heapCap}; next to a bare`);
		console.log(`node-fetch loop of ${bareCount} requests in a process that loaded the same modules and opened the same database first:\n`);
		const mib = (value: number) => `${value.toFixed(0)} MiB`.padStart(8);
		for (const [name, nodeFlags] of [['sender, peak', []], [`sender --max-old-space-size=${heapCap}, peak`, [`--max-old-space-size=${heapCap}`]]] as const) {
			await insertCallbacks(database.sequelize, receiver.url, rssCount);
			const sender = await measured([...nodeFlags, path.join(directory, 'cli', 'hooks.js'), 'send-callbacks', '--database-url', database.url, '--concurrency', String(concurrency), '--json']);
			const summary = JSON.parse(sender.stdout) as {sent: number; durationMs: number};
			console.log(`${label(name)} ${mib(sender.peakMiB)}  (${summary.sent} sent in ${(summary.durationMs / 1000).toFixed(0)} s, ${(summary.sent / (summary.durationMs / 1000)).toFixed(0)}/s)`);
		}

		const bare = await measured([path.join(directory, 'bare-loop.mjs'), database.url, receiver.url, String(bareCount), String(concurrency), payload]);
		const loop = JSON.parse(bare.stdout) as {startRss: number; durationMs: number};
		console.log(`${label('bare node-fetch loop, peak')} ${mib(bare.peakMiB)}  (${bareCount} in ${(loop.durationMs / 1000).toFixed(0)} s, ${(bareCount / (loop.durationMs / 1000)).toFixed(0)}/s)`);
		console.log(`${label('start-up (modules loaded, connected)')} ${mib(loop.startRss / 1024 / 1024)}`);
	} finally {
		await database.close();
		receiver.child.kill();
		rmSync(directory, {recursive: true, force: true});
	}
}

// ---------------------------------------------------------------------------------------------
// The program as users run it: `hooks send-callbacks`, built to JavaScript, a process of its own
// with its start-up included, against a bare node-fetch loop that is a process of its own too.

const programCount = Number(process.env['BENCH_DELIVERY_PROGRAM_COUNT'] ?? 20_000);
const programRounds = Number(process.env['BENCH_DELIVERY_PROGRAM_ROUNDS'] ?? 3);
const startRuns = 9;

/** A bare node-fetch loop as a program: `node bare-fetch.mjs URL COUNT WIDTH BODY`. */
function writeBareFetch(directory: string): string {
	const file = path.join(directory, 'bare-fetch.mjs');
	writeFileSync(file, `
		import http from 'node:http';
		import fetch from 'node-fetch';
		const [target, count, width, body] = process.argv.slice(2);
		const agent = new http.Agent({keepAlive: true, maxSockets: Number(width)});
		let left = Number(count);
		await Promise.all(Array.from({length: Number(width)}, async () => {
			while (left-- > 0) {
				const response = await fetch(target, {method: 'POST', headers: ${JSON.stringify(headers)}, body: Buffer.from(body), agent, redirect: 'manual'});
				await response.text();
			}
		}));
		agent.destroy();
	`);
	return file;
}

/** Median wall time of `node <args>` over a few runs, in ms. */
async function startTime(args: string[]): Promise<number> {
	const times: number[] = [];
	for (let run = 0; run < startRuns; run++) {
		times.push((await measured(args)).seconds * 1000);
	}

	return median(times);
}

async function program(): Promise<void> {
	const directory = build();
	const bare = writeBareFetch(directory);
	const hooks = path.join(directory, 'cli', 'hooks.js');
	const receiver = await startReceiver(0);
	const databases = new Map<Dialect, TestDatabase>();
	try {
		for (const dialect of dialects()) {
			const database = await createTestDatabase(dialect);
			await connectHttpHooks(database.sequelize);
			databases.set(dialect, database);
		}

		const nothing = await startTime(['-e', '']);
		const help = await startTime([hooks, '--help']);
		const version = await startTime([hooks, '-v']);
		console.log(`\nStart-up of the built \`hooks\` (median of ${startRuns} runs, wall time): \`--help\` ${help.toFixed(0)} ms, \`-v\` ${version.toFixed(0)} ms; \`node -e ''\` ${nothing.toFixed(0)} ms.`);
		console.log(`\n\`hooks send-callbacks --concurrency ${concurrency}\` (built, process start included) sending ${programCount} waiting callbacks, against a bare`);
		console.log(`node-fetch loop of ${programCount} requests at the same concurrency (also a process of its own), same receiver; ${programRounds} rounds, interleaved:\n`);
		const seconds = new Map<string, number[]>();
		const note = (name: string, value: number) => seconds.set(name, [...seconds.get(name) ?? [], value]);
		for (let round = 0; round < programRounds; round++) {
			note('bare node-fetch loop', (await measured([bare, receiver.url, String(programCount), String(concurrency), payload])).seconds);
			for (const [dialect, database] of databases) {
				// Every round starts from the same table: only the callbacks to send.
				await database.sequelize.query('DELETE FROM http_callback_attempts');
				await database.sequelize.query('DELETE FROM http_callbacks');
				await insertCallbacks(database.sequelize, receiver.url, programCount);
				const run = await measured([hooks, 'send-callbacks', '--database-url', database.url, '--concurrency', String(concurrency), '--json']);
				const summary = JSON.parse(run.stdout) as {sent: number};
				if (summary.sent !== programCount) {
					throw new Error(`hooks send-callbacks sent ${summary.sent} of ${programCount}`);
				}

				note(`hooks send-callbacks, ${dialect}`, run.seconds);
			}
		}

		const base = seconds.get('bare node-fetch loop')!;
		for (const [name, values] of seconds) {
			const ratio = median(values.map((value, round) => base[round]! / value));
			console.log(`${label(name)} ${format(programCount / median(values))} per second  ${ratio.toFixed(2)} × bare node-fetch   rounds: ${values.map(value => `${value.toFixed(1)} s`).join(', ')}`);
		}
	} finally {
		for (const database of databases.values()) {
			await database.close();
		}

		receiver.child.kill();
		rmSync(directory, {recursive: true, force: true});
	}
}

// ---------------------------------------------------------------------------------------------
// What observability costs the sender: events, metrics and tracing on, each against all off.

type Observed = 'all off' | 'events on' | 'metrics on' | 'tracing on';
const observedVariants: Observed[] = ['all off', 'events on', 'metrics on', 'tracing on'];

async function observedRate(database: TestDatabase, url: string, variant: Observed): Promise<number> {
	const httpHooks = await connectHttpHooks(database.sequelize, {tracing: variant === 'tracing on'});
	if (variant === 'events on') {
		for (const name of ['delivered', 'failed', 'exhausted', 'sendError'] as const) {
			httpHooks.on(name, () => undefined);
		}
	}

	if (variant === 'metrics on') {
		const registry = await httpHooks.metrics({sampleIntervalMs: 0});
		// A scrape a second, as Prometheus would (more often than its usual 15 s).
		const scrapes = setInterval(() => void registry.metrics(), 1000);
		try {
			return await senderRate(database, url, count, concurrency, httpHooks);
		} finally {
			clearInterval(scrapes);
		}
	}

	if (variant === 'tracing on') {
		// Callbacks written inside the app's traces: each attempt's span has a parent to join.
		await insertCallbacks(database.sequelize, url, count);
		await database.sequelize.query('UPDATE http_callbacks SET traceparent = $1 WHERE status = \'waiting\'', {bind: ['00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01']});
		return senderRate(database, url, 0, concurrency, httpHooks, count);
	}

	return senderRate(database, url, count, concurrency, httpHooks);
}

async function observability(): Promise<void> {
	await appTracing();
	const receiver = await startReceiver(0);
	const databases = new Map<Dialect, TestDatabase>();
	try {
		for (const dialect of dialects()) {
			databases.set(dialect, await createTestDatabase(dialect));
		}

		console.log(`\nObservability: ${count} callbacks per variant and round, concurrency ${concurrency}, same receiver; median of ${rounds} rounds, ratios within each round.\n`);
		const rates = new Map<string, number[]>();
		for (let round = 0; round < rounds; round++) {
			for (const [dialect, database] of databases) {
				for (const variant of observedVariants) {
					const name = `${dialect}, ${variant}`;
					rates.set(name, [...rates.get(name) ?? [], await observedRate(database, receiver.url, variant)]);
				}
			}
		}

		for (const dialect of databases.keys()) {
			const off = rates.get(`${dialect}, all off`)!;
			for (const variant of observedVariants) {
				const values = rates.get(`${dialect}, ${variant}`)!;
				const ratio = median(values.map((value, round) => off[round]! / value));
				console.log(`${label(`sender, ${dialect}, ${variant}`)} ${format(median(values))} callbacks/s  ${ratio.toFixed(3)}x the time of all off`);
			}
		}
	} finally {
		for (const database of databases.values()) {
			await database.close();
		}

		receiver.child.kill();
	}
}

// BENCH_DELIVERY_PARTS=throughput,program,slow,memory,observability,rate-limit,fairness (the default: all) runs some of them.
const parts = new Set((process.env['BENCH_DELIVERY_PARTS'] ?? 'throughput,program,slow,memory,observability,rate-limit,fairness').split(',').map(part => part.trim()));

export async function run(): Promise<void> {
	if (parts.has('throughput')) {
		await throughput();
	}

	if (parts.has('program')) {
		await program();
	}

	if (parts.has('slow')) {
		await slowReceiver();
	}

	if (parts.has('memory')) {
		await peakMemory();
	}

	if (parts.has('observability')) {
		await observability();
	}

	// Rate limits and fairness: bench/delivery-control.ts.
	await runDeliveryControl(parts);
}

const [role, delayMs] = process.argv.slice(2);
if (process.argv[1] === self && role === 'receiver') {
	await serveReceiver(Number(delayMs));
}
