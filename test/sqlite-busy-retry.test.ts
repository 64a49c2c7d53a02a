import test from 'ava';
import {Transaction} from 'sequelize';
import {registerHttpHooks, type HttpHooks} from '../source/index.js';
import {defineAppModels} from './helpers/app.js';
import {createTestDatabase} from './helpers/database.js';

test('sqlite: a library write that meets another connection\'s write lock past the busy timeout runs again once the lock is gone', async t => {
	const database = await createTestDatabase('sqlite');
	// Another process, as it were: a second connection to the file, that takes its write lock.
	const other = database.open();
	let holder: Transaction | undefined;
	let released = false;
	let httpHooks: HttpHooks | undefined;
	try {
		await defineAppModels(database.sequelize);
		// A short busy timeout: the write waits 50 ms for the lock, then SQLite answers SQLITE_BUSY.
		httpHooks = await registerHttpHooks(database.sequelize, {sqliteBusyTimeoutMs: 50});
		holder = await other.transaction({type: Transaction.TYPES.IMMEDIATE});

		// The lock goes only when the write begins its second transaction: its first one met the
		// lock for longer than the busy timeout and failed, so what comes next is the retry.
		const begun = new Set<Transaction>();
		database.sequelize.addHook('beforeQuery', async options => {
			const {transaction} = options as {transaction?: Transaction};
			if (transaction && !begun.has(transaction)) {
				begun.add(transaction);
				if (begun.size === 2) {
					await holder!.commit();
					released = true;
				}
			}
		});

		const hook = await httpHooks.createHook({name: 'pets', model: 'Pet', signals: ['afterCreate'], targetUrl: 'http://127.0.0.1:9/pets'});
		t.true(begun.size >= 2, 'the write began again after SQLITE_BUSY');
		t.true(released, 'the write succeeded once the lock was released');
		t.like(await httpHooks.getHook(hook.id), {name: 'pets', model: 'Pet'});
	} finally {
		if (holder && !released) {
			await holder.rollback();
		}

		await httpHooks?.close();
		await database.close();
	}
});
