import {setTimeout as sleep} from 'node:timers/promises';
import test from 'ava';
import {DataTypes, type Model, type ModelStatic, type Sequelize} from 'sequelize';
import {createTestDatabase, postgresUrl, skipNote} from './helpers/database.js';
import {eventually} from './helpers/callbacks.js';
import {startTcpProxy} from './helpers/tcp-proxy.js';
import {openDatabase} from '../source/store/open-database.js';
import {registerHttpHooks} from '../source/index.js';

const url = 'http://127.0.0.1:9/hooks';

type Write = {name: string; autocommit: boolean; error?: Error; after: boolean};

function defineDoc(sequelize: Sequelize): ModelStatic<Model> {
	return sequelize.define('Doc', {name: {type: DataTypes.STRING, allowNull: false, unique: true}});
}

for (const outageMs of [2000, 30_000]) {
const title = `postgres: a ${outageMs / 1000} s database outage under app writes: every write fails visibly or commits with exactly its callbacks`;
if (postgresUrl) {
	test(title, async t => {
		t.timeout(180_000);
		const database = await createTestDatabase('postgres');
		const proxy = await startTcpProxy('127.0.0.1', Number(new URL(database.url).port || 5432));
		// The app reaches the database through the proxy; the checks below go straight to it.
		const appDatabase = openDatabase(proxy.url(database.url), {pool: {max: 4, acquire: 20_000}});
		const Doc = defineDoc(appDatabase);
		await appDatabase.sync();
		const warnings: string[] = [];
		const httpHooks = await registerHttpHooks(appDatabase, {reloadIntervalMs: 200, logger: {warn: message => warnings.push(message)}});
		try {
			await httpHooks.createHook({name: 'docs', model: 'Doc', signals: ['afterCreate'], targetUrl: url});
			const writes: Write[] = [];
			let restored = false;
			let stop = false;
			let counter = 0;
			const write = async (autocommit: boolean) => {
				const names = autocommit ? [`auto-${++counter}`] : [`tx-${++counter}-a`, `tx-${counter}-b`];
				const entries: Write[] = names.map(name => ({name, autocommit, after: restored}));
				writes.push(...entries);
				try {
					if (autocommit) {
						await Doc.create({name: names[0]});
					} else {
						// Two hooked writes in one transaction: both commit with their callbacks, or neither does.
						await appDatabase.transaction(async transaction => {
							for (const name of names) {
								await Doc.create({name}, {transaction});
							}
						});
					}
				} catch (error) {
					for (const entry of entries) {
						entry.error = error as Error;
					}
				}
			};

			const writer = async (autocommit: boolean) => {
				while (!stop) {
					await write(autocommit);
					await sleep(15);
				}
			};

			// The outage starts at the worst moment of an autocommit write: its row is committed and
			// its callback not yet written (a model hook runs before the library's listener).
			let startOutage: (() => void) | undefined;
			const outage = new Promise<void>(resolve => {
				startOutage = resolve;
			});
			let armed = false;
			Doc.addHook('afterCreate', 'outage', (_instance: Model, options: {transaction?: unknown}) => {
				if (armed && !options.transaction) {
					armed = false;
					proxy.setMode('refuse');
					proxy.cut();
					startOutage!();
				}
			});
			const writers = [writer(false), writer(false), writer(true), writer(true)];
			await sleep(1000);
			armed = true;
			await outage;
			await sleep(outageMs);
			proxy.setMode('pass');
			restored = true;
			// Writes go on until some succeed after the outage (the pool reconnects on its own).
			await eventually(async () => writes.filter(entry => entry.after && !entry.error).length >= 10 ? true : undefined, 30_000, 'writes succeeding after the outage');
			stop = true;
			await Promise.all(writers);

			const direct = database.sequelize;
			const committed = new Set((await direct.query<{name: string}>('SELECT name FROM "Docs"', {type: 'SELECT' as never})).map(row => row.name));
			const callbackNames = (await direct.query<{payload: string}>('SELECT payload FROM http_callbacks', {type: 'SELECT' as never}))
				.map(row => (JSON.parse(row.payload) as {object_serialization: {name: string}}).object_serialization.name);
			const withCallback = new Set(callbackNames);

			t.true(writes.some(entry => entry.error), 'the outage made some writes fail');
			t.true(writes.some(entry => entry.autocommit && entry.error?.name === 'CallbackStorageError' && /already committed$/.test(entry.error.message)),
				'the write cut between its row and its callback failed, saying its row is committed');
			t.is(withCallback.size, callbackNames.length, 'no write has two callbacks');
			for (const name of withCallback) {
				t.true(committed.has(name), `a callback of ${name} without its row`);
			}

			for (const entry of writes) {
				if (!entry.error) {
					t.true(committed.has(entry.name) && withCallback.has(entry.name), `${entry.name} succeeded: committed with its callback`);
				} else if (!entry.autocommit) {
					t.is(committed.has(entry.name), withCallback.has(entry.name), `${entry.name} failed in a transaction: its row and callback together or neither`);
				} else if (committed.has(entry.name) && !withCallback.has(entry.name)) {
					// Without a transaction the row commits before the callback is written: the app was told.
					t.truthy(entry.error, `${entry.name} committed without its callback, and the write failed visibly`);
				}
			}

			for (const name of committed) {
				t.true(writes.some(entry => entry.name === name), `unknown row ${name}`);
				if (!withCallback.has(name)) {
					t.true(writes.some(entry => entry.name === name && entry.autocommit && entry.error), `${name} committed without its callback silently`);
				}
			}

			// The handle keeps working: a hook added now (from elsewhere) is picked up, and writes fire it.
			const other = openDatabase(database.url);
			const otherHooks = await registerHttpHooks(other, {shutDown: true, migrate: false});
			await otherHooks.createHook({name: 'docs again', model: 'Doc', signals: ['afterCreate'], targetUrl: url});
			await otherHooks.close();
			await other.close();
			await eventually(async () => {
				const name = `probe-${++counter}`;
				await Doc.create({name});
				const [row] = await direct.query<{count: string}>('SELECT count(*) AS count FROM http_callbacks WHERE payload LIKE $1', {bind: [`%"${name}"%`], type: 'SELECT' as never});
				return Number(row!.count) === 2 ? true : undefined;
			}, 15_000, 'the new hook firing in the app after the outage');
		} finally {
			await httpHooks.close().catch(() => undefined);
			await appDatabase.close().catch(() => undefined);
			await proxy.close();
			await database.close();
		}
	});
} else {
	test.skip(`${title} (${skipNote})`, () => undefined);
}
}
