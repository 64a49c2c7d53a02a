// Send throughput end to end (claim, send, record) on SQLite and PostgreSQL, next to a bare
// node-fetch loop and a bare node:http loop with the same concurrency against the same keep-alive
// receiver, which runs in a process of its own; then a receiver that takes 50 ms per request;
// then the peak RSS of a sender process going through 200,000 waiting callbacks.
// Variants run interleaved in rounds; the median round is reported. Nothing is asserted.
import {fork, type ChildProcess} from 'node:child_process';
import {randomUUID} from 'node:crypto';
import http from 'node:http';
import {fileURLToPath} from 'node:url';
import fetch from 'node-fetch';
import {QueryTypes, type Sequelize} from 'sequelize';
import {connectHttpHooks} from '../source/index.js';
import {openDatabase} from '../source/store/open-database.js';
import {createTestDatabase, postgresUrl, type Dialect, type TestDatabase} from '../test/helpers/database.js';

const count = Number(process.env['BENCH_DELIVERY_COUNT'] ?? 10_000);
const rounds = Number(process.env['BENCH_DELIVERY_ROUNDS'] ?? 3);
const concurrency = Number(process.env['BENCH_DELIVERY_CONCURRENCY'] ?? 20);
const slowCount = Number(process.env['BENCH_DELIVERY_SLOW_COUNT'] ?? 5000);
const slowConcurrency = 50;
const slowDelayMs = 50;
const rssCount = Number(process.env['BENCH_DELIVERY_RSS_COUNT'] ?? 200_000);

const payload = JSON.stringify({
	object_type: 'Order', object_id: 123_456, event_type: 'updated',
	object_serialization: {customer: 'Ann Example', email: 'ann@example.com', total: '129.90', currency: 'EUR', items: 3, note: 'leave at the door'},
});
const headers = {'Content-Type': 'application/json', 'X-Api-Key': '12345'};
const self = fileURLToPath(import.meta.url);

// ---------------------------------------------------------------------------------------------
// Child processes: the receiver, and the sender whose memory is measured.

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

async function measureSenderMemory(url: string): Promise<void> {
	const sequelize = openDatabase(url);
	const httpHooks = await connectHttpHooks(sequelize, {migrate: false});
	const baseline = process.memoryUsage().rss;
	let peak = baseline;
	const sampler = setInterval(() => {
		peak = Math.max(peak, process.memoryUsage().rss);
	}, 50);
	const summary = await httpHooks.sendCallbacks({concurrency});
	clearInterval(sampler);
	peak = Math.max(peak, process.memoryUsage().rss, process.resourceUsage().maxRSS * 1024);
	await sequelize.close();
	process.send!({baseline, peak, summary});
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

async function senderRate(database: TestDatabase, url: string, total: number, width: number): Promise<number> {
	const httpHooks = await connectHttpHooks(database.sequelize);
	await insertCallbacks(database.sequelize, url, total);
	const summary = await httpHooks.sendCallbacks({concurrency: width});
	if (summary.sent !== total) {
		throw new Error(`the sender sent ${summary.sent} of ${total}`);
	}

	return total / (summary.durationMs / 1000);
}

function median(values: number[]): number {
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.floor(sorted.length / 2)]!;
}

const format = (value: number) => value.toFixed(0).padStart(6);
const label = (text: string) => text.padEnd(34);

function dialects(): Dialect[] {
	if (!postgresUrl) {
		console.log('(PostgreSQL skipped: set HTTP_HOOKS_TEST_PG=postgres://… to measure it too)');
		return ['sqlite'];
	}

	return ['sqlite', 'postgres'];
}

async function throughput(): Promise<void> {
	const receiver = await startReceiver(0);
	const databases = new Map<Dialect, TestDatabase>();
	try {
		for (const dialect of dialects()) {
			databases.set(dialect, await createTestDatabase(dialect));
		}

		console.log(`Receiver in its own process answering at once (keep-alive); concurrency ${concurrency}; ${count} requests per variant and round; median of ${rounds} rounds.\n`);
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

		const fetchRate = median(rates.get('bare node-fetch loop')!);
		const httpRate = median(rates.get('bare node:http loop')!);
		for (const [name, values] of rates) {
			const rate = median(values);
			const unit = name.startsWith('sender') ? 'callbacks/s' : 'requests/s';
			console.log(`${label(name)} ${format(rate)} ${unit.padEnd(11)}  ${(rate / fetchRate).toFixed(2)} × node-fetch  ${(rate / httpRate).toFixed(2)} × node:http`);
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

async function peakMemory(): Promise<void> {
	const receiver = await startReceiver(0);
	const database = await createTestDatabase('sqlite');
	try {
		await connectHttpHooks(database.sequelize);
		await insertCallbacks(database.sequelize, receiver.url, rssCount);
		await database.sequelize.close();
		console.log(`\nPeak RSS of a sender process (SQLite, concurrency ${concurrency}) going through ${rssCount} waiting callbacks:\n`);
		const child = fork(self, ['memory', database.url], {execArgv: ['--import', 'tsx']});
		const result = await new Promise<{baseline: number; peak: number; summary: {sent: number; durationMs: number}}>((resolve, reject) => {
			child.once('message', message => resolve(message as never));
			child.once('exit', code => reject(new Error(`the sender process exited with ${code}`)));
		});
		const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
		console.log(`${label('RSS after start-up')} ${mb(result.baseline).padStart(7)}`);
		console.log(`${label('peak RSS while sending')} ${mb(result.peak).padStart(7)}  (${result.summary.sent} sent in ${(result.summary.durationMs / 1000).toFixed(0)} s, ${(result.summary.sent / (result.summary.durationMs / 1000)).toFixed(0)}/s)`);
	} finally {
		await database.close();
		receiver.child.kill();
	}
}

export async function run(): Promise<void> {
	await throughput();
	await slowReceiver();
	await peakMemory();
}

const [role, argument] = process.argv.slice(2);
if (process.argv[1] === self && role === 'receiver') {
	await serveReceiver(Number(argument));
} else if (process.argv[1] === self && role === 'memory') {
	await measureSenderMemory(argument!);
	process.exit(0);
}
