import {DataTypes, type Model, type ModelStatic, type Sequelize} from 'sequelize';
import {allDialects, dialectTest} from './helpers/dialect-test.js';
import {callbacksOf} from './helpers/callbacks.js';
import type {TestDatabase} from './helpers/database.js';
import {registerHttpHooks, type HttpHooksOptions} from '../source/index.js';

const url = 'http://127.0.0.1:9/hooks';

// Documents with long text primary keys and a JSON value (which PostgreSQL stores even with NUL
// characters in it, escaped). 700 characters: the longest key MySQL indexes in utf8mb4 (3072 bytes).
async function defineDoc(sequelize: Sequelize): Promise<ModelStatic<Model>> {
	const Doc = sequelize.define('Doc', {
		id: {type: DataTypes.STRING(700), primaryKey: true},
		data: {type: DataTypes.JSON},
	});
	await sequelize.sync();
	return Doc;
}

async function app(database: TestDatabase, hooks: string[], options: HttpHooksOptions = {}) {
	const Doc = await defineDoc(database.sequelize);
	const warnings: string[] = [];
	const httpHooks = await registerHttpHooks(database.sequelize, {logger: {warn: message => warnings.push(message)}, ...options});
	for (const name of hooks) {
		await httpHooks.createHook({name, model: 'Doc', signals: ['afterCreate'], targetUrl: url});
	}

	return {Doc, httpHooks, warnings};
}

/** A real refusal by the database: callbacks of this hook that are not errors violate a check. */
async function refuseCallbacksOf(database: TestDatabase, hookName: string): Promise<void> {
	if (database.dialect !== 'sqlite') {
		await database.sequelize.query(`ALTER TABLE http_callbacks ADD CONSTRAINT refused_by_test CHECK (hook_name <> '${hookName}' OR status = 'error')`);
	} else {
		// SQLite cannot add a CHECK to a table: a trigger refuses the same rows.
		await database.sequelize.query(`CREATE TRIGGER refused_by_test BEFORE INSERT ON http_callbacks
			WHEN NEW.hook_name = '${hookName}' AND NEW.status <> 'error' BEGIN SELECT RAISE(ABORT, 'refused_by_test'); END`);
	}
}

// What a string becomes through UTF-8, as the drivers send it: lone surrogates turn into U+FFFD.
const utf8 = (text: string) => Buffer.from(text, 'utf8').toString('utf8');

const values = [
	'NUL \0 in the middle', 'lone surrogates \uD800 and \uDC00', `controls ${Array.from({length: 32}, (_, code) => String.fromCodePoint(code)).join('')}\u007F`,
	// Nearly the 1 MiB payload limit (maxPayloadBytes), with the default payload's wrapping.
	'x'.repeat(1_000_000), 'emoji 🐕‍🦺 👩🏽‍💻', 'bind-like $1 $2 $$ ?', ':name :id @name', 'quotes \' " `', 'backslashes \\ \\\\ \\0 \\n', '\'); DROP TABLE http_callbacks; --',
];

dialectTest('any value survives: every callback is stored, with its payload and object id exact', async (t, database) => {
	// MySQL's and MariaDB's JSON columns refuse lone surrogates (json_valid): the app could not write them.
	const tricky = database.dialect === 'mysql' || database.dialect === 'mariadb' ? values.filter(value => !value.startsWith('lone surrogates')) : values;
	const {Doc, httpHooks} = await app(database, ['default payload']);
	await httpHooks.createHook({name: 'plain text', model: 'Doc', signals: ['afterCreate'], targetUrl: url, contentType: 'text/plain', payloadTemplate: '{{ instance.data.text }}'});
	const ids = tricky.map((value, index) => `${index}:${value.slice(0, 40).replaceAll('\0', '')}:${'k'.repeat(300)}`);
	await database.sequelize.transaction(async transaction => {
		for (const [index, value] of tricky.entries()) {
			await Doc.create({id: ids[index], data: {text: value}}, {transaction});
		}
	});
	t.is(await Doc.count(), tricky.length);
	const callbacks = await callbacksOf(httpHooks);
	t.is(callbacks.length, tricky.length * 2, 'every callback of every write is stored');
	for (const [index, value] of tricky.entries()) {
		// A lone surrogate cannot be encoded as UTF-8: the app's key and the copy are stored with U+FFFD.
		const mine = callbacks.filter(callback => callback.objectId === utf8(ids[index]!));
		t.is(mine.length, 2, `the object id ${index} is stored exactly`);
		const json = mine.find(callback => callback.hookName === 'default payload')!;
		t.is(json.status, 'waiting');
		t.is(json.json.object_serialization.data.text, value, `value ${index} exact in the default payload`);
		t.is(utf8(json.json.object_id), utf8(ids[index]!));
		const text = mine.find(callback => callback.hookName === 'plain text')!;
		if (value.includes('\0') && database.dialect === 'postgres') {
			// PostgreSQL text cannot hold NUL: the callback is an error saying so, never a changed payload.
			t.is(text.status, 'error');
			t.is(text.statusDetails, 'InvalidPayloadError: Payload cannot be stored: it contains the NUL character (U+0000), which PostgreSQL cannot store in text');
		} else {
			t.is(text.status, 'waiting');
			// A lone surrogate cannot be encoded as UTF-8: it is stored (and would be sent) as U+FFFD.
			t.is(text.payload, utf8(value), `value ${index} exact in a text payload`);
		}
	}

	await httpHooks.close();
}, {dialects: allDialects});

dialectTest('a long text primary key in a transaction: the app\'s rows and their callbacks commit together', async (t, database) => {
	const {Doc, httpHooks} = await app(database, ['docs']);
	const id = 'long key '.repeat(40);
	// Before, on PostgreSQL, this transaction resolved while its row was rolled back.
	await database.sequelize.transaction(async transaction => Doc.create({id, data: {}}, {transaction}));
	t.is(await Doc.count(), 1, 'the app\'s row is committed');
	await database.sequelize.transaction(async transaction => Doc.create({id: 'short', data: {}}, {transaction}));
	t.deepEqual((await callbacksOf(httpHooks)).map(callback => [callback.objectId, callback.status]), [[id, 'waiting'], ['short', 'waiting']]);
	await httpHooks.close();
}, {dialects: allDialects});

dialectTest('a callback the database refuses is stored as an error, the others as usual, and the app\'s transaction goes on', async (t, database) => {
	const {Doc, httpHooks, warnings} = await app(database, ['accepted', 'refused']);
	await refuseCallbacksOf(database, 'refused');
	await database.sequelize.transaction(async transaction => {
		await Doc.create({id: 'a', data: {}}, {transaction});
		await Doc.create({id: 'b', data: {}}, {transaction});
	});
	t.is(await Doc.count(), 2, 'the app\'s transaction committed');
	await Doc.create({id: 'c', data: {}});
	// A bulk create runs the hooks of its rows concurrently, in one transaction.
	const bulk = ['d1', 'd2', 'd3', 'd4', 'd5'];
	await database.sequelize.transaction(async transaction => Doc.bulkCreate(bulk.map(id => ({id, data: {}})), {transaction}));
	t.is(await Doc.count(), 8);
	const callbacks = await callbacksOf(httpHooks);
	t.deepEqual(callbacks.map(callback => `${callback.objectId} ${callback.hookName} ${callback.status}`).sort(), [
		'a accepted waiting', 'a refused error', 'b accepted waiting', 'b refused error', 'c accepted waiting', 'c refused error',
		...bulk.flatMap(id => [`${id} accepted waiting`, `${id} refused error`]),
	]);
	for (const callback of callbacks.filter(callback => callback.status === 'error')) {
		t.regex(callback.statusDetails!, /^Could not store the callback: .*refused_by_test/);
		t.is(callback.payload, null);
		t.is(callback.nextAttemptAt, null);
	}

	t.is(warnings.length, 3 + bulk.length);
	t.regex(warnings[0]!, /callback of hook "refused" for Doc "a" could not be stored; storing it with status error/);
	await httpHooks.close();

	// With raiseExceptions, the write fails at once instead.
	const strict = await registerHttpHooks(database.sequelize, {raiseExceptions: true});
	await t.throwsAsync(database.sequelize.transaction(async transaction => Doc.create({id: 'd', data: {}}, {transaction})),
		{name: 'CallbackStorageError', message: /^Could not store the callbacks of hooks "accepted", "refused" for Doc "d": .*refused_by_test/});
	t.is(await Doc.count({where: {id: 'd'}}), 0);
	await strict.close();
}, {dialects: allDialects});

dialectTest('a callback that cannot be stored at all fails the write, with a transaction or without', async (t, database) => {
	const {Doc, httpHooks} = await app(database, ['docs']);
	await database.sequelize.query('ALTER TABLE http_callbacks RENAME TO http_callbacks_away');
	await t.throwsAsync(database.sequelize.transaction(async transaction => {
		await Doc.create({id: 'first', data: {}}, {transaction});
		await Doc.create({id: 'second', data: {}}, {transaction});
	}), {name: 'CallbackStorageError', message: /^Could not store the callback of hook "docs" for Doc "first": .*http_callbacks/});
	t.is(await Doc.count(), 0, 'the transaction rolled back: no change without its callback');
	const error = await t.throwsAsync(Doc.create({id: 'alone', data: {}}), {name: 'CallbackStorageError'});
	t.regex(error!.message, /the change ran without a transaction and is already committed$/, 'without a transaction the app is told its change is in');
	await database.sequelize.query('ALTER TABLE http_callbacks_away RENAME TO http_callbacks');
	await Doc.create({id: 'back', data: {}});
	t.deepEqual((await callbacksOf(httpHooks)).map(callback => callback.objectId), ['back'], 'the handle works again once the table is back');
	await httpHooks.close();
}, {dialects: allDialects});
