import {mkdtempSync, rmSync} from 'node:fs';
import path from 'node:path';
import {DataTypes, Sequelize, type Model, type ModelStatic} from 'sequelize';
import {registerHttpHooks} from '../source/index.js';

const writes = 400;
const rounds = 9;
async function app(storage: string, condition: string | null | undefined) {
	const sequelize = new Sequelize({dialect: 'sqlite', storage, logging: false});
	const Item = sequelize.define('Item', {name: DataTypes.STRING, price: DataTypes.INTEGER}) as ModelStatic<Model>;
	await sequelize.sync();
	if (condition !== undefined) {
		const h = await registerHttpHooks(sequelize);
		await h.createHook({name: 'bench', model: 'Item', signals: ['afterCreate'], targetUrl: 'http://127.0.0.1:9/x', contentType: 'application/json',
			payloadTemplate: '{"id": {{instance.id}}, "name": "{{instance.name}}", "event": "{{event_type}}"}', condition});
	}
	let n = 0;
	return async () => { n++; await sequelize.transaction(async t => Item.create({name: `item ${n}`, price: n}, {transaction: t})); };
}
const dir = mkdtempSync(path.join('/dev/shm', 'cc-'));
const variants: Array<[string, () => Promise<void>]> = [
	['plain', await app(path.join(dir, 'a'), undefined)],
	['hooked', await app(path.join(dir, 'b'), null)],
	['condition true', await app(path.join(dir, 'c'), 'instance.price > 0 and event_type == "created"')],
	['condition false', await app(path.join(dir, 'd'), 'instance.price < 0 and event_type == "created"')],
];
const rates = new Map<string, number[]>();
for (let r = 0; r < rounds; r++) for (const [name, write] of variants) {
	const s = process.hrtime.bigint();
	for (let i = 0; i < writes; i++) await write();
	const sec = Number(process.hrtime.bigint() - s) / 1e9;
	rates.set(name, [...rates.get(name) ?? [], writes / sec]);
}
const med = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]!;
const plain = med(rates.get('plain')!);
for (const [name, v] of rates) console.log(name, med(v).toFixed(0), (plain / med(v)).toFixed(3));
rmSync(dir, {recursive: true, force: true});
process.exit(0);
