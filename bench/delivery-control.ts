// Delivery control, measured (rows of the delivery bench): a per-hook rate limit held by four
// sender processes together, counted per second at the receiver; and fairness: the throughput
// of a hook beside an endpoint that never answers within the timeout, against the same alone.
import {fork, type ChildProcess} from 'node:child_process';
import {setTimeout as sleep} from 'node:timers/promises';
import {fileURLToPath} from 'node:url';
import {startReceiver, type Receiver} from '../fixtures/receiver.js';
import {connectHttpHooks, type HttpHooks} from '../source/index.js';
import {createTestDatabase, postgresUrl, type Dialect} from '../test/helpers/database.js';
import {defineAppModels} from '../test/helpers/app.js';
import {insertCallbacks, repoRoot} from '../test/helpers/run-cli.js';

const rateLimit = Number(process.env['BENCH_RATE_LIMIT'] ?? 20);
const rateWindowMs = 10_000;
const fairCount = Number(process.env['BENCH_FAIR_COUNT'] ?? 2000);
const fairTimeoutMs = 5000;
const fairDelayMs = 20;
const fairRounds = Number(process.env['BENCH_FAIR_ROUNDS'] ?? 3);

function dialects(): Dialect[] {
	return postgresUrl ? ['sqlite', 'postgres'] : ['sqlite'];
}

async function hookOn(httpHooks: HttpHooks, name: string, url: string, fields: Record<string, unknown> = {}): Promise<number> {
	return (await httpHooks.createHook({name, model: 'Owner', signals: ['afterCreate'], targetUrl: url, ...fields})).id;
}

function senderProcess(url: string): ChildProcess {
	const {DATABASE_URL: _ignored, ...environment} = process.env;
	return fork(fileURLToPath(new URL('../cli/hooks.ts', import.meta.url)), ['send-callbacks', '--watch', '--database-url', url, '--concurrency', '10'], {
		cwd: repoRoot, env: environment, execArgv: ['--import', 'tsx'], stdio: 'ignore',
	});
}

/** Four `hooks send-callbacks --watch` processes over one hook limited to `rateLimit`/s. */
async function rateLimitRow(): Promise<void> {
	console.log(`\nRate limit: four \`hooks send-callbacks --watch --concurrency 10\` processes over one hook limited to ${rateLimit}/s (bursts of ${rateLimit / 2}), 5000 due callbacks; requests counted at the receiver over ${rateWindowMs / 1000} s from the first (target: 0.9x to 1.1x):\n`);
	for (const dialect of dialects()) {
		const database = await createTestDatabase(dialect);
		const receiver = await startReceiver();
		const senders: ChildProcess[] = [];
		try {
			await defineAppModels(database.sequelize);
			const httpHooks = await connectHttpHooks(database.sequelize);
			const hookId = await hookOn(httpHooks, 'limited', `${receiver.url}/hooks`, {rateLimit});
			await insertCallbacks(httpHooks.models, 5000, {hookId, hookName: 'limited', targetUrl: `${receiver.url}/hooks`, nextAttemptAt: new Date()});
			senders.push(...Array.from({length: 4}, () => senderProcess(database.url)));
			await receiver.waitFor(1, 120_000);
			const start = receiver.requests[0]!.receivedAt;
			await sleep(rateWindowMs + 500 - (Date.now() - start));
			const times = receiver.requests.map(request => request.receivedAt - start).filter(ms => ms < rateWindowMs);
			const perSecond = Array.from({length: rateWindowMs / 1000}, (_, second) => times.filter(ms => Math.floor(ms / 1000) === second).length);
			const limit = rateLimit * rateWindowMs / 1000;
			console.log(`${`${dialect}, 4 senders`.padEnd(40)} ${String(times.length).padStart(6)} requests in ${rateWindowMs / 1000} s  ${(times.length / limit).toFixed(2)} × the limit   per second: ${perSecond.join(', ')}`);
		} finally {
			for (const sender of senders) {
				sender.kill('SIGINT');
			}

			await Promise.all(senders.map(async sender => new Promise(resolve => {
				sender.once('exit', resolve);
			})));
			await receiver.close();
			await database.close();
		}
	}
}

/** One watching sender until `receiver` has `fairCount` requests: their rate after the first tenth. */
async function steadyRate(httpHooks: HttpHooks, receiver: Receiver): Promise<{rate: number; firstMs: number}> {
	const stop = new AbortController();
	const started = Date.now();
	const run = httpHooks.sendCallbacks({watch: true, signal: stop.signal, concurrency: 10, delivery: {timeoutMs: fairTimeoutMs}});
	try {
		const requests = await receiver.waitFor(fairCount, 300_000);
		const from = Math.floor(fairCount / 10);
		const ms = requests[fairCount - 1]!.receivedAt - requests[from - 1]!.receivedAt;
		return {rate: (fairCount - from) / (ms / 1000), firstMs: requests[0]!.receivedAt - started};
	} finally {
		stop.abort();
		await run;
	}
}

/** A hook beside one whose endpoint never answers within the timeout, against the same hook alone. */
async function fairnessRow(): Promise<void> {
	console.log(`\nFairness: one sender (concurrency 10, timeout ${fairTimeoutMs / 1000} s); a hook whose receiver takes ${fairDelayMs} ms, ${fairCount} callbacks, alone and beside`);
	console.log(`${fairCount} older callbacks of a hook whose receiver never answers; its rate after the first tenth; median of ${fairRounds} rounds (target: beside >= 0.8x alone):\n`);
	for (const dialect of dialects()) {
		const database = await createTestDatabase(dialect);
		const working = await startReceiver(async () => ({status: 200, delayMs: fairDelayMs}));
		const hanging = await startReceiver(async () => ({status: 200, delayMs: 120_000}));
		try {
			await defineAppModels(database.sequelize);
			const httpHooks = await connectHttpHooks(database.sequelize);
			const workingHook = await hookOn(httpHooks, 'working', `${working.url}/hooks`);
			const hangingHook = await hookOn(httpHooks, 'hanging', `${hanging.url}/hooks`);
			const insert = async (hookId: number, receiver: Receiver) => insertCallbacks(httpHooks.models, fairCount, {hookId, hookName: String(hookId), targetUrl: `${receiver.url}/hooks`, nextAttemptAt: new Date(Date.now() - 60_000)});
			const ratios: number[] = [];
			const rows: string[] = [];
			for (let round = 0; round < fairRounds; round++) {
				await httpHooks.models.Callback.destroy({where: {}});
				working.requests.length = 0;
				await insert(workingHook, working);
				const alone = await steadyRate(httpHooks, working);
				await httpHooks.models.Callback.destroy({where: {}});
				working.requests.length = 0;
				await insert(hangingHook, hanging);
				await insert(workingHook, working);
				const beside = await steadyRate(httpHooks, working);
				ratios.push(beside.rate / alone.rate);
				rows.push(`${alone.rate.toFixed(0)}/s alone, ${beside.rate.toFixed(0)}/s beside (first request after ${beside.firstMs} ms)`);
			}

			const median = [...ratios].sort((a, b) => a - b)[Math.floor(ratios.length / 2)]!;
			console.log(`${`${dialect}, beside a hanging endpoint`.padEnd(40)} ${median.toFixed(2)} × alone   rounds: ${rows.join('; ')}`);
		} finally {
			await working.close();
			await hanging.close();
			await database.close();
		}
	}
}

export async function run(parts: Set<string>): Promise<void> {
	if (parts.has('rate-limit')) {
		await rateLimitRow();
	}

	if (parts.has('fairness')) {
		await fairnessRow();
	}
}
