import test from 'ava';
import {claimDue} from '../source/delivery/claim.js';
import {recordResults, type Finished} from '../source/delivery/record-results.js';
import {connectHttpHooks, type HttpHooks} from '../source/index.js';
import {createTestDatabase} from './helpers/database.js';
import {allDialects, dialectTest} from './helpers/dialect-test.js';
import {insertCallbacks} from './helpers/run-cli.js';

const worker = 'test-sender';

/** Two callbacks claimed by `worker`, and a successful attempt for each. */
async function claimedBatch(httpHooks: HttpHooks): Promise<Finished[]> {
	await insertCallbacks(httpHooks.models, 2, {nextAttemptAt: new Date(Date.now() - 1000)});
	const now = new Date();
	const claimed = await claimDue(httpHooks.sequelize, {worker, now, leaseUntil: new Date(now.getTime() + 60_000)}, {limit: 10, cutoff: now});
	return claimed.map(callback => ({
		id: callback.id, hookId: null, attempt: 1,
		result: {startedAt: new Date(), durationMs: 5, statusCode: 200, error: null, responseBody: 'ok'},
		outcome: {status: 'sent', statusDetails: 'status_code:200', nextAttemptAt: null},
	}));
}

dialectTest('a batch of results written twice (a retry after a failure that did commit) records each attempt once', async (t, database) => {
	const httpHooks = await connectHttpHooks(database.sequelize);
	try {
		const batch = await claimedBatch(httpHooks);
		const ids = batch.map(finished => finished.id);
		t.deepEqual([...await recordResults(database.sequelize, worker, batch)].sort(), ids);
		t.deepEqual([...await recordResults(database.sequelize, worker, batch)].sort(), ids, 'the second write finds its results standing');
		t.is(await httpHooks.models.Attempt.count(), 2, 'one row per attempt');
		const callbacks = await httpHooks.models.Callback.findAll();
		t.true(callbacks.every(callback => callback.status === 'sent' && callback.attempts === 1));
	} finally {
		await httpHooks.close();
	}
}, {dialects: allDialects});

test('sqlite: result writes run on one kept connection, not a new connection per write (each new one reads the schema again)', async t => {
	const database = await createTestDatabase('sqlite');
	const httpHooks = await connectHttpHooks(database.sequelize);
	const manager = database.sequelize.connectionManager as unknown as {getConnection(options?: {uuid?: string}): Promise<object>};
	const getConnection = manager.getConnection.bind(manager);
	const opened = new Set<object>();
	manager.getConnection = async options => {
		const connection = await getConnection(options);
		if (options?.uuid !== undefined && options.uuid !== 'default') {
			opened.add(connection);
		}

		return connection;
	};
	const logged: string[] = [];
	(database.sequelize as unknown as {options: {logging: unknown}}).options.logging = (sql: string) => logged.push(sql);
	try {
		for (let write = 0; write < 10; write++) {
			const batch = await claimedBatch(httpHooks);
			t.is((await recordResults(database.sequelize, worker, batch)).size, 2);
		}

		t.is(await httpHooks.models.Callback.count({where: {status: 'sent', attempts: 1}}), 20);
		t.is(opened.size, 1, 'ten writes, one connection of their own');
		t.is(logged.filter(sql => sql.endsWith('BEGIN IMMEDIATE')).length, 10, 'the app\'s logging sees every write\'s transaction');
	} finally {
		await httpHooks.close();
		await database.close();
	}
});

test('sqlite: a batch of results is written whole or not at all (a failed status update leaves no attempt rows)', async t => {
	const database = await createTestDatabase('sqlite');
	const httpHooks = await connectHttpHooks(database.sequelize);
	try {
		const batch = await claimedBatch(httpHooks);
		await database.sequelize.query('CREATE TRIGGER refuse_results BEFORE UPDATE OF status ON http_callbacks BEGIN SELECT RAISE(ABORT, \'refused\'); END');
		await t.throwsAsync(recordResults(database.sequelize, worker, batch));
		t.is(await httpHooks.models.Attempt.count(), 0, 'the attempts went with the failed update');

		await database.sequelize.query('DROP TRIGGER refuse_results');
		await recordResults(database.sequelize, worker, batch);
		t.is(await httpHooks.models.Attempt.count(), 2, 'written once when tried again');
		t.is(await httpHooks.models.Callback.count({where: {status: 'sent', attempts: 1}}), 2);
	} finally {
		await httpHooks.close();
		await database.close();
	}
});

dialectTest('a result write waits for no row but its own: another transaction holding another callback\'s row (another sender\'s write) does not hold it up', async (t, database) => {
	const httpHooks = await connectHttpHooks(database.sequelize);
	const other = database.open();
	let releaseLock!: () => void;
	const lockReleased = new Promise<void>(resolve => {
		releaseLock = resolve;
	});
	let lock: Promise<void> | undefined;
	try {
		const batch = await claimedBatch(httpHooks);
		const [held, written] = batch;
		await new Promise<void>((taken, failed) => {
			lock = other.transaction(async transaction => {
				await other.query(`SELECT id FROM http_callbacks WHERE id = ${Number(held!.id)} FOR UPDATE`, {transaction});
				taken();
				await lockReleased;
			}).catch(failed);
		});
		// Before the fix, MySQL's UPDATE … JOIN walked the table and waited for the held row until
		// the lock wait timeout (50 s, then tried again): this bound only says it did not wait.
		const applied = await Promise.race([
			recordResults(database.sequelize, worker, [written!]),
			new Promise<never>((_, reject) => setTimeout(() => reject(new Error('the result write waited for a row it does not write')), 20_000)),
		]);
		t.deepEqual([...applied], [written!.id]);
		t.is((await httpHooks.models.Callback.findByPk(written!.id))?.status, 'sent');
	} finally {
		releaseLock();
		await lock?.catch(() => undefined);
		await httpHooks.close();
	}
}, {dialects: ['postgres', 'mysql', 'mariadb']});
