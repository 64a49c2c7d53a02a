// Writes per second through Sequelize with and without the library, side by side in one run.
// Variants run interleaved in rounds on their own database files; the median round is reported.
import {existsSync, mkdtempSync, rmSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {DataTypes, Sequelize, type Model, type ModelStatic} from 'sequelize';
import {registerHttpHooks} from '../source/index.js';

const writes = Number(process.env['BENCH_CAPTURE_WRITES'] ?? 500);
const rounds = Number(process.env['BENCH_CAPTURE_ROUNDS'] ?? 15);

type Variant = {name: string; write(): Promise<void>; close(): Promise<void>};

/** The app's tracing, as an app sets it up: a provider whose spans go nowhere, and a context manager. */
async function startTracing(): Promise<<T>(work: () => Promise<T>) => Promise<T>> {
	const api = await import('@opentelemetry/api');
	const {BasicTracerProvider, SimpleSpanProcessor} = await import('@opentelemetry/sdk-trace-base');
	const {AsyncLocalStorageContextManager} = await import('@opentelemetry/context-async-hooks');
	const dropping = {export: (_spans: unknown, done: (result: {code: number}) => void) => done({code: 0}), shutdown: async () => undefined};
	api.trace.setGlobalTracerProvider(new BasicTracerProvider({spanProcessors: [new SimpleSpanProcessor(dropping)]}));
	api.context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
	const tracer = api.trace.getTracer('the-app');
	return async work => tracer.startActiveSpan('PUT /items', async span => {
		try {
			return await work();
		} finally {
			span.end();
		}
	});
}

async function app(storage: string, mode: 'plain' | 'other-model' | 'template', transaction: boolean, inSpan?: <T>(work: () => Promise<T>) => Promise<T>, name?: string): Promise<Variant> {
	const sequelize = new Sequelize({dialect: 'sqlite', storage, logging: false});
	const Item = sequelize.define('Item', {name: DataTypes.STRING, price: DataTypes.INTEGER});
	const Other = sequelize.define('Other', {name: DataTypes.STRING});
	await sequelize.sync();
	let close = async () => sequelize.close();
	if (mode !== 'plain') {
		const httpHooks = await registerHttpHooks(sequelize);
		await httpHooks.createHook({
			name: 'bench', model: mode === 'template' ? 'Item' : 'Other', signals: ['afterCreate'], targetUrl: 'http://127.0.0.1:9/x',
			contentType: 'application/json', payloadTemplate: '{"id": {{instance.id}}, "name": "{{instance.name}}", "event": "{{event_type}}"}',
		});
		close = async () => {
			await httpHooks.close();
			await sequelize.close();
		};
	}

	const model = Item as ModelStatic<Model>;
	let n = 0;
	return {
		name: name ?? `${mode}${transaction ? ' in a transaction' : ''}`,
		async write() {
			n++;
			if (inSpan) {
				await inSpan(async () => model.create({name: `item ${n}`, price: n}));
			} else if (transaction) {
				await sequelize.transaction(async t => model.create({name: `item ${n}`, price: n}, {transaction: t}));
			} else {
				await model.create({name: `item ${n}`, price: n});
			}
		},
		close,
	};
}

function median(values: number[]): number {
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.floor(sorted.length / 2)]!;
}

async function measure(variants: Variant[]): Promise<Map<string, number>> {
	const rates = new Map<string, number[]>(variants.map(variant => [variant.name, []]));
	for (let round = 0; round < rounds; round++) {
		for (const variant of variants) {
			const start = process.hrtime.bigint();
			for (let index = 0; index < writes; index++) {
				await variant.write();
			}

			const seconds = Number(process.hrtime.bigint() - start) / 1e9;
			rates.get(variant.name)!.push(writes / seconds);
		}
	}

	return new Map([...rates].map(([name, values]) => [name, median(values)]));
}

export async function run(): Promise<void> {
	// On a RAM disk where there is one: fsync then costs nothing, and the figures show the
	// library's own cost instead of the disk's (on a real disk both variants wait for the same fsync).
	const base = process.env['BENCH_DIR'] ?? (existsSync('/dev/shm') ? '/dev/shm' : os.tmpdir());
	const directory = mkdtempSync(path.join(base, 'http-hooks-bench-'));
	try {
		const file = (name: string) => path.join(directory, `${name}.sqlite`);
		console.log(`SQLite file in ${base}, ${writes} Model.create() per round, median of ${rounds} interleaved rounds`);
		const autocommit = [await app(file('a'), 'plain', false), await app(file('b'), 'other-model', false), await app(file('c'), 'template', false)];
		const inTransaction = [await app(file('d'), 'plain', true), await app(file('e'), 'template', true)];
		const results = new Map([...await measure(autocommit), ...await measure(inTransaction)]);
		for (const variant of [...autocommit, ...inTransaction]) {
			await variant.close();
		}

		const plain = results.get('plain')!;
		const plainTx = results.get('plain in a transaction')!;
		const rows = [
			['plain Sequelize (library not registered)', plain, 1],
			['library registered, hook on another model', results.get('other-model')!, plain / results.get('other-model')!],
			['one template hook on the written model', results.get('template')!, plain / results.get('template')!],
			['plain write in a transaction', plainTx, 1],
			['hooked write in a transaction', results.get('template in a transaction')!, plainTx / results.get('template in a transaction')!],
		] as const;
		console.log('| variant | writes/s | time per write vs plain |');
		console.log('| --- | ---: | ---: |');
		for (const [name, rate, ratio] of rows) {
			console.log(`| ${name} | ${rate.toFixed(0)} | ${ratio.toFixed(3)}x |`);
		}

		const overhead = (plain / results.get('other-model')! - 1) * 100;
		console.log(`\nno-hook overhead: ${overhead.toFixed(1)} % (target: within 3 %)`);
		console.log(`hooked write in a transaction: ${(plainTx / results.get('template in a transaction')!).toFixed(2)}x a plain one (target: at most 1.5x)`);

		// Tracing on: the app's writes inside its request spans, plain and hooked (the trace context
		// stored with the callback). Measured last: the provider is global; the rows above ran with
		// @opentelemetry/api loaded (prom-client brings it) and no provider.
		const inSpan = await startTracing();
		const traced = [
			await app(file('f'), 'plain', false, inSpan, 'plain in a span'),
			await app(file('g'), 'template', false, inSpan, 'template in a span, tracing on'),
		];
		const tracedResults = await measure(traced);
		for (const variant of traced) {
			await variant.close();
		}

		const plainSpan = tracedResults.get('plain in a span')!;
		const tracedRate = tracedResults.get('template in a span, tracing on')!;
		console.log(`\n| app writes inside its own spans | writes/s | time per write vs plain |`);
		console.log('| --- | ---: | ---: |');
		console.log(`| plain write in a span | ${plainSpan.toFixed(0)} | 1.000x |`);
		console.log(`| hooked write in a span, trace context stored | ${tracedRate.toFixed(0)} | ${(plainSpan / tracedRate).toFixed(3)}x |`);
	} finally {
		rmSync(directory, {recursive: true, force: true});
	}
}
