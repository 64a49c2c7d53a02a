import {DataTypes, QueryTypes, type Model, type ModelStatic, type Sequelize} from 'sequelize';
import {allDialects, dialectTest} from './helpers/dialect-test.js';
import {callbacksOf} from './helpers/callbacks.js';
import {holdLimit} from '../source/capture/pending-callbacks.js';
import {registerHttpHooks} from '../source/index.js';

const url = 'http://127.0.0.1:9/hooks';

async function app(sequelize: Sequelize) {
	const Item = sequelize.define('Item', {name: DataTypes.STRING}) as ModelStatic<Model>;
	await sequelize.sync();
	const httpHooks = await registerHttpHooks(sequelize);
	await httpHooks.createHook({name: 'items', model: 'Item', signals: ['afterCreate', 'afterUpdate'], targetUrl: url,
		contentType: 'application/json', payloadTemplate: '{"name": {{instance.name | json}}}'});
	return {Item, httpHooks};
}

async function rawCount(sequelize: Sequelize, transaction?: import('sequelize').Transaction): Promise<number> {
	const [row] = await sequelize.query<{count: number | string}>('SELECT COUNT(*) AS count FROM http_callbacks', {type: QueryTypes.SELECT, transaction});
	return Number(row!.count);
}

dialectTest('the callbacks of a transaction are written together when it commits, in the order of the changes', async (t, {sequelize}) => {
	const {Item, httpHooks} = await app(sequelize);
	await sequelize.transaction(async transaction => {
		const first = await Item.create({name: 'a'}, {transaction});
		await Item.create({name: 'b'}, {transaction});
		t.is(await rawCount(sequelize, transaction), 0, 'held until the commit: raw SQL in the transaction does not see them yet');
		await first.update({name: 'a2'}, {transaction});
	});
	t.deepEqual((await callbacksOf(httpHooks)).map(callback => callback.json.name), ['a', 'b', 'a2'], 'all of them, in the order of the changes');
	await httpHooks.close();
}, {dialects: allDialects});

dialectTest('the library\'s own reads inside the transaction see its callbacks before the commit', async (t, {sequelize}) => {
	const {Item, httpHooks} = await app(sequelize);
	await sequelize.transaction(async transaction => {
		await Item.create({name: 'a'}, {transaction});
		t.is(await httpHooks.models.Callback.count({transaction}), 1);
		await Item.create({name: 'b'}, {transaction});
		t.deepEqual((await httpHooks.models.Callback.findAll({transaction, order: [['id', 'ASC']]})).map(callback => JSON.parse(callback.get('payload') as string).name), ['a', 'b']);
	});
	t.is(await rawCount(sequelize), 2, 'written once, not again at the commit');
	await httpHooks.close();
}, {dialects: allDialects});

dialectTest('a rolled back savepoint takes its callbacks along; the order across savepoints is the order of the changes', async (t, {sequelize}) => {
	const {Item, httpHooks} = await app(sequelize);
	await sequelize.transaction(async transaction => {
		await Item.create({name: 'outer 1'}, {transaction});
		await sequelize.transaction({transaction}, async savepoint => {
			await Item.create({name: 'kept savepoint'}, {transaction: savepoint});
		});
		await t.throwsAsync(sequelize.transaction({transaction}, async savepoint => {
			await Item.create({name: 'rolled back'}, {transaction: savepoint});
			throw new Error('undo the savepoint');
		}), {message: 'undo the savepoint'});
		await Item.create({name: 'outer 2'}, {transaction});
	});
	t.deepEqual((await callbacksOf(httpHooks)).map(callback => callback.json.name), ['outer 1', 'kept savepoint', 'outer 2']);
	t.is(await Item.count(), 3);
	await httpHooks.close();
}, {dialects: allDialects});

dialectTest('a long transaction writes its callbacks as it goes, and a rolled back one leaves none', async (t, {sequelize}) => {
	const {Item, httpHooks} = await app(sequelize);
	const total = holdLimit + 250;
	await sequelize.transaction(async transaction => {
		for (let index = 0; index < total; index++) {
			await Item.create({name: `item ${index}`}, {transaction});
		}

		t.true(await rawCount(sequelize, transaction) >= holdLimit, 'no more than the hold limit waits in memory');
	});
	const names = (await callbacksOf(httpHooks)).map(callback => callback.json.name);
	t.deepEqual(names, Array.from({length: total}, (_, index) => `item ${index}`));
	await t.throwsAsync(sequelize.transaction(async transaction => {
		await Item.bulkCreate([{name: 'x'}, {name: 'y'}], {transaction});
		throw new Error('roll back');
	}));
	t.is(await rawCount(sequelize), total);
	await httpHooks.close();
}, {dialects: allDialects});

dialectTest('callbacks held by a transaction are written even when the handle closes before the commit', async (t, {sequelize}) => {
	const {Item, httpHooks} = await app(sequelize);
	const transaction = await sequelize.transaction();
	await Item.create({name: 'late'}, {transaction});
	await httpHooks.close();
	await transaction.commit();
	t.is(await rawCount(sequelize), 1);
}, {dialects: allDialects});

dialectTest('the callback INSERT, run on the driver\'s connection, binds values as they are and shows in the app\'s query log', async (t, {sequelize}) => {
	const {Item, httpHooks} = await app(sequelize);
	const logged: string[] = [];
	const options = (sequelize as unknown as {options: {logging: unknown}}).options;
	const before = options.logging;
	options.logging = (sql: string) => logged.push(sql);
	const names = ['$1', '?', ':name', '$2 $$ \' " `', 'x'.repeat(250), '\u0001\u001f\u202e', '{{ 7 * 7 }}'];
	try {
		await sequelize.transaction(async transaction => {
			for (const name of names) {
				await Item.create({name}, {transaction});
			}
		});
		await Item.create({name: 'autocommit $1'});
	} finally {
		options.logging = before;
	}

	t.deepEqual((await callbacksOf(httpHooks)).map(callback => callback.json.name), [...names, 'autocommit $1'], 'every value reached its column unchanged');
	const inserts = logged.filter(sql => sql.includes('INSERT INTO http_callbacks'));
	t.true(inserts.length >= 2, `the library's INSERTs are in the app's log (${inserts.length})`);
	t.true(inserts.every(sql => !sql.includes('autocommit $1')), 'values are bound, never inlined into the statement');
	await httpHooks.close();
}, {dialects: allDialects});
