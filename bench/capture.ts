// What a hooked write costs, the way apps write: many Model.create() in one transaction, and one
// write per transaction or autocommit. Each variant runs on a database of its own, against the
// plain variant (library not registered) in the same round; rounds are interleaved, and each
// ratio is the median of the ratios taken within the rounds.
import {randomBytes} from 'node:crypto';
import {existsSync, mkdtempSync, rmSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {DataTypes, Sequelize, type Model, type ModelStatic} from 'sequelize';
import {registerHttpHooks, type HookInput} from '../source/index.js';
import {appTracing} from './app-tracing.js';
import {currentTraceparent, loadTraceApi} from '../source/observability/tracing.js';
import {dropServerDatabase} from '../test/helpers/database.js';

const batch = Number(process.env['BENCH_CAPTURE_BATCH'] ?? 2000);
const single = Number(process.env['BENCH_CAPTURE_SINGLE'] ?? 500);
const rounds = Number(process.env['BENCH_CAPTURE_ROUNDS'] ?? 7);

/** A database to bench on: a SQLite file, or a database of its own on a server. */
type Target = {dialect: string; open(name: string): Promise<{sequelize: Sequelize; drop(): Promise<void>}>};

function sqliteTarget(directory: string): Target {
	return {
		dialect: 'SQLite',
		async open(name) {
			const sequelize = new Sequelize({dialect: 'sqlite', storage: path.join(directory, `${name}.sqlite`), logging: false});
			return {sequelize, drop: async () => sequelize.close()};
		},
	};
}

function serverTarget(dialect: string, url: string): Target {
	return {
		dialect,
		async open() {
			const database = `http_hooks_bench_${randomBytes(5).toString('hex')}`;
			const admin = new Sequelize(url, {logging: false});
			await admin.query(`CREATE DATABASE ${database}`);
			const own = new URL(url);
			own.pathname = `/${database}`;
			const sequelize = new Sequelize(own.toString(), {logging: false});
			return {
				sequelize,
				async drop() {
					await sequelize.close();
					await admin.close();
					await dropServerDatabase(url, database);
				},
			};
		},
	};
}

// Servers are benched when their test variable names one (the same as the test suite's).
const servers: Array<[string, string | undefined]> = [
	['PostgreSQL', process.env['HTTP_HOOKS_TEST_PG']],
	['MariaDB', process.env['HTTP_HOOKS_TEST_MARIADB']],
];

type Mode = 'plain' | 'template' | 'default payload' | 'other model' | 'template, condition holds' | 'template, condition false' | 'template, traced' | 'template, no OpenTelemetry';

// The condition variants: the template hook with a condition that holds (evaluated, then the
// callback written) or does not (evaluated, nothing written).
const conditions: Partial<Record<Mode, string>> = {
	'template, condition holds': '\'price\' in instance and instance.price > 0 and event_type == "created"',
	'template, condition false': '\'price\' in instance and instance.price < 0 and event_type == "created"',
};
type Shape = 'one transaction' | 'transaction per write' | 'autocommit';

type Variant = {mode: Mode; write(count: number): Promise<void>; close(): Promise<void>};

const template = '{"id": {{instance.id}}, "name": "{{instance.name}}", "event": "{{event_type}}"}';

async function variant(target: Target, mode: Mode, shape: Shape): Promise<Variant> {
	const {sequelize, drop} = await target.open(`${mode}-${shape}`.replaceAll(' ', '-'));
	const Item = sequelize.define('Item', {name: DataTypes.STRING, price: DataTypes.INTEGER}) as ModelStatic<Model>;
	sequelize.define('Other', {name: DataTypes.STRING});
	await sequelize.sync();
	let close = drop;
	if (mode !== 'plain') {
		const httpHooks = await registerHttpHooks(sequelize);
		const hook: HookInput = {name: 'bench', model: mode === 'other model' ? 'Other' : 'Item', signals: ['afterCreate'], targetUrl: 'http://127.0.0.1:9/x', contentType: 'application/json'};
		await httpHooks.createHook(mode === 'template' || mode === 'template, traced' || mode === 'template, no OpenTelemetry' || conditions[mode] ? {...hook, payloadTemplate: template, condition: conditions[mode] ?? null} : hook);
		close = async () => {
			await httpHooks.close();
			await drop();
		};
	}

	let n = 0;
	const create = async (transaction?: import('sequelize').Transaction) => Item.create({name: `item ${++n}`, price: n}, {transaction});
	return {
		mode,
		async write(count) {
			if (mode === 'template, no OpenTelemetry') {
				// As if `@opentelemetry/api` were not installed: the others run with it loaded (and no
				// provider), so "template" against this row is what the package costs without a provider.
				await loadTraceApi(async () => {
					throw new Error('not installed');
				});
				try {
					await sequelize.transaction(async transaction => {
						for (let index = 0; index < count; index++) {
							await create(transaction);
						}
					});
				} finally {
					await loadTraceApi(async () => import('@opentelemetry/api'));
				}

				return;
			}

			if (mode === 'template, traced') {
				// The app's request is traced: its writes happen inside an active span, whose context
				// each callback stores (the other variants run with the package loaded and no active span).
				const tracer = (await appTracing()).trace.getTracer('bench');
				await tracer.startActiveSpan('request', async span => {
					await sequelize.transaction(async transaction => {
						for (let index = 0; index < count; index++) {
							await create(transaction);
						}
					});
					span.end();
				});
				return;
			}

			if (shape === 'one transaction') {
				await sequelize.transaction(async transaction => {
					for (let index = 0; index < count; index++) {
						await create(transaction);
					}
				});
				return;
			}

			for (let index = 0; index < count; index++) {
				await (shape === 'autocommit' ? create() : sequelize.transaction(async transaction => create(transaction)));
			}
		},
		close,
	};
}

/** ns per currentTraceparent() call, with the API absent and loaded (no provider). */
async function traceCallCost(): Promise<{absentNs: number; loadedNs: number}> {
	const calls = 1_000_000;
	const time = () => {
		const start = process.hrtime.bigint();
		for (let index = 0; index < calls; index++) {
			currentTraceparent();
		}

		return Number(process.hrtime.bigint() - start) / calls;
	};

	const absent: number[] = [];
	const loaded: number[] = [];
	for (let round = 0; round < 5; round++) {
		await loadTraceApi(async () => {
			throw new Error('not installed');
		});
		absent.push(time());
		await loadTraceApi(async () => import('@opentelemetry/api'));
		loaded.push(time());
	}

	return {absentNs: median(absent), loadedNs: median(loaded)};
}

function median(values: number[]): number {
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.floor(sorted.length / 2)]!;
}

type Row = {dialect: string; shape: Shape; mode: Mode; msPerWrite: number; ratio: number; target?: number; rounds: number[]};

/** The modes of one shape, interleaved with `plain` in every round. */
async function measure(target: Target, shape: Shape, modes: Mode[], targets: Partial<Record<Mode, number>>): Promise<Row[]> {
	const count = shape === 'one transaction' ? batch : single;
	const variants = [await variant(target, 'plain', shape), ...await Promise.all(modes.map(async mode => variant(target, mode, shape)))];
	const times = new Map<Mode, number[]>(variants.map(each => [each.mode, []]));
	const ratios = new Map<Mode, number[]>(modes.map(mode => [mode, []]));
	try {
		for (const each of variants) {
			await each.write(Math.min(count, 100)); // Warm up: compile, prepare, fill caches.
		}

		for (let round = 0; round < rounds; round++) {
			const round_ = new Map<Mode, number>();
			for (const each of variants) {
				const start = process.hrtime.bigint();
				await each.write(count);
				const ms = Number(process.hrtime.bigint() - start) / 1e6 / count;
				round_.set(each.mode, ms);
				times.get(each.mode)!.push(ms);
			}

			for (const mode of modes) {
				ratios.get(mode)!.push(round_.get(mode)! / round_.get('plain')!);
			}
		}
	} finally {
		for (const each of variants) {
			await each.close();
		}
	}

	return [
		{dialect: target.dialect, shape, mode: 'plain', msPerWrite: median(times.get('plain')!), ratio: 1, rounds: times.get('plain')!},
		...modes.map(mode => ({dialect: target.dialect, shape, mode, msPerWrite: median(times.get(mode)!), ratio: median(ratios.get(mode)!), target: targets[mode], rounds: times.get(mode)!})),
	];
}

export async function run(): Promise<void> {
	// SQLite on a RAM disk where there is one: fsync then costs nothing, and the figures show the
	// library's own cost instead of the disk's (on a real disk both variants wait for the same fsync).
	const base = process.env['BENCH_DIR'] ?? (existsSync('/dev/shm') ? '/dev/shm' : os.tmpdir());
	const directory = mkdtempSync(path.join(base, 'http-hooks-bench-'));
	const targets = [sqliteTarget(directory), ...servers.filter((server): server is [string, string] => Boolean(server[1])).map(([name, url]) => serverTarget(name, url))];
	console.log(`${batch} Model.create() in one transaction, ${single} writes per round otherwise; median of ${rounds} interleaved rounds; each ratio is the median of per-round ratios against plain Sequelize in the same round.`);
	console.log(`Dialects: ${targets.map(target => target.dialect).join(', ')}${servers.some(([, url]) => !url) ? ` (set ${['HTTP_HOOKS_TEST_PG', 'HTTP_HOOKS_TEST_MARIADB'].join(', ')} to bench servers too)` : ''}\n`);
	const rows: Row[] = [];
	try {
		for (const target of targets) {
			rows.push(...await measure(target, 'one transaction', ['template', 'default payload', 'other model', 'template, condition holds', 'template, condition false', 'template, traced', 'template, no OpenTelemetry'], {
				template: 1.3, 'default payload': 1.25, 'other model': 1.03, 'template, condition holds': 1.35,
			}));
			if (target.dialect === 'SQLite') {
				rows.push(...await measure(target, 'transaction per write', ['template'], {template: 1.3}));
				rows.push(...await measure(target, 'autocommit', ['template'], {template: 1.8}));
			}
		}
	} finally {
		rmSync(directory, {recursive: true, force: true});
	}

	console.log('| dialect | writes | hook | ms per write | vs plain | target |');
	console.log('| --- | --- | --- | ---: | ---: | ---: |');
	for (const row of rows) {
		const verdict = row.target === undefined ? '' : `≤ ${row.target}x ${row.ratio <= row.target ? 'met' : 'missed'}`;
		console.log(`| ${row.dialect} | ${row.shape} | ${row.mode === 'plain' ? 'none (library not registered)' : row.mode} | ${row.msPerWrite.toFixed(3)} | ${row.ratio.toFixed(2)}x | ${verdict} |`);
	}

	// What OpenTelemetry costs a write when the package is installed and the app has no provider:
	// "template" (package loaded) against "template, no OpenTelemetry", round by round. The
	// difference is far below the rounds' noise, so the capture's one tracing call is also timed
	// alone, both ways, and set against a write.
	const call = await traceCallCost();
	console.log(`\nThe capture's tracing call (currentTraceparent), timed alone: ${call.absentNs.toFixed(0)} ns without @opentelemetry/api, ${call.loadedNs.toFixed(0)} ns with it and no provider.`);
	for (const row of rows.filter(each => each.shape === 'one transaction' && each.mode === 'template')) {
		console.log(`  ${row.dialect}: ${((call.loadedNs - call.absentNs) / 1000).toFixed(3)} µs of a ${(row.msPerWrite * 1000).toFixed(0)} µs write: ${(1 + ((call.loadedNs - call.absentNs) / 1e6 / row.msPerWrite)).toFixed(4)}x (target ≤ 1.03x)`);
	}

	console.log('\nOpenTelemetry installed, no tracer provider, against not installed, whole writes (one transaction, template; noisy at this scale):');
	for (const dialect of new Set(rows.map(row => row.dialect))) {
		const of = (mode: Mode) => rows.find(row => row.dialect === dialect && row.shape === 'one transaction' && row.mode === mode)?.rounds;
		const loaded = of('template');
		const absent = of('template, no OpenTelemetry');
		if (loaded && absent) {
			const ratio = median(loaded.map((ms, round) => ms / absent[round]!));
			console.log(`  ${dialect}: ${ratio.toFixed(3)}x ${ratio <= 1.03 ? 'met' : 'missed'}`);
		}
	}
}
