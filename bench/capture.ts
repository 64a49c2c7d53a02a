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

type Mode = 'plain' | 'other-model' | 'template' | 'condition' | 'condition-false';

// The condition variants: the template hook with a condition that holds (evaluated, then the
// callback written) or does not (evaluated, nothing written).
const conditions: Partial<Record<Mode, string>> = {
	condition: '\'price\' in instance and instance.price > 0 and event_type == "created"',
	'condition-false': '\'price\' in instance and instance.price < 0 and event_type == "created"',
};

async function app(storage: string, mode: Mode, transaction: boolean): Promise<Variant> {
	const sequelize = new Sequelize({dialect: 'sqlite', storage, logging: false});
	const Item = sequelize.define('Item', {name: DataTypes.STRING, price: DataTypes.INTEGER});
	const Other = sequelize.define('Other', {name: DataTypes.STRING});
	await sequelize.sync();
	let close = async () => sequelize.close();
	if (mode !== 'plain') {
		const httpHooks = await registerHttpHooks(sequelize);
		await httpHooks.createHook({
			name: 'bench', model: mode === 'other-model' ? 'Other' : 'Item', signals: ['afterCreate'], targetUrl: 'http://127.0.0.1:9/x',
			contentType: 'application/json', payloadTemplate: '{"id": {{instance.id}}, "name": "{{instance.name}}", "event": "{{event_type}}"}',
			condition: conditions[mode] ?? null,
		});
		close = async () => {
			await httpHooks.close();
			await sequelize.close();
		};
	}

	const model = Item as ModelStatic<Model>;
	let n = 0;
	return {
		name: `${mode}${transaction ? ' in a transaction' : ''}`,
		async write() {
			n++;
			if (transaction) {
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
		const inTransaction = [
			await app(file('d'), 'plain', true), await app(file('e'), 'template', true),
			await app(file('f'), 'condition', true), await app(file('g'), 'condition-false', true),
		];
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
			['hooked write in a transaction, condition holds', results.get('condition in a transaction')!, plainTx / results.get('condition in a transaction')!],
			['hooked write in a transaction, condition false', results.get('condition-false in a transaction')!, plainTx / results.get('condition-false in a transaction')!],
		] as const;
		console.log('| variant | writes/s | time per write vs plain |');
		console.log('| --- | ---: | ---: |');
		for (const [name, rate, ratio] of rows) {
			console.log(`| ${name} | ${rate.toFixed(0)} | ${ratio.toFixed(3)}x |`);
		}

		const overhead = (plain / results.get('other-model')! - 1) * 100;
		console.log(`\nno-hook overhead: ${overhead.toFixed(1)} % (target: within 3 %)`);
		console.log(`hooked write in a transaction: ${(plainTx / results.get('template in a transaction')!).toFixed(2)}x a plain one (target: at most 1.5x)`);
		console.log(`hooked write in a transaction with a condition that holds: ${(plainTx / results.get('condition in a transaction')!).toFixed(2)}x a plain one (target: at most 1.35x); condition false: ${(plainTx / results.get('condition-false in a transaction')!).toFixed(2)}x`);
	} finally {
		rmSync(directory, {recursive: true, force: true});
	}
}
