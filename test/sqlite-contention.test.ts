import test from 'ava';
import {setTimeout as delay} from 'node:timers/promises';
import {Transaction, type Sequelize} from 'sequelize';
import {startReceiver} from '../fixtures/receiver.js';
import {connectHttpHooks, registerHttpHooks} from '../source/index.js';
import {defineAppModels} from './helpers/app.js';
import {eventually} from './helpers/callbacks.js';
import {createTestDatabase} from './helpers/database.js';
import {dialectTest} from './helpers/dialect-test.js';
import {appWithHook, callbackRows, createOwners} from './helpers/delivery.js';
import {insertCallbacks} from './helpers/run-cli.js';

dialectTest('the library\'s own writes in one process never fail on each other; close waits for them', async (t, database) => {
	await defineAppModels(database.sequelize);
	// A short busy timeout: a write that waits on the process's own lock fails quickly.
	const httpHooks = await registerHttpHooks(database.sequelize, {sqliteBusyTimeoutMs: 1000});
	const shipped = httpHooks.defineSignal('orders.shipped');
	const signal = await httpHooks.createSignal('orders.shipped');
	t.is(signal.name, 'orders.shipped');
	// Many at once, of every kind.
	const written = await Promise.all([
		...['a.one', 'a.two', 'a.three'].map(async name => httpHooks.createSignal(name)),
		...[1, 2, 3].map(async index => httpHooks.createHook({name: `hook ${index}`, model: 'Pet', signals: ['afterCreate', 'orders.shipped'], targetUrl: `http://127.0.0.1:9/${index}`})),
	]);
	t.is(written.length, 6);
	t.is(shipped.name, 'orders.shipped');

	// A signal defined right before closing: close waits for its row, so the app may close its
	// instance at once without an error event crashing the process.
	httpHooks.defineSignal('orders.cancelled');
	await httpHooks.close();
	t.is((await httpHooks.listSignals()).filter(row => row.name === 'orders.cancelled').length, 1);
	await database.sequelize.close();
});

/**
 * The app reads, then writes, in one transaction, while a sender on another connection claims
 * callbacks. `waitForSender` runs between the read and the write.
 */
async function readThenWrite(sequelize: Sequelize, type: Transaction.TYPES | undefined, Owner: Awaited<ReturnType<typeof defineAppModels>>['Owner'], waitForSender: () => Promise<void>) {
	return sequelize.transaction(type === undefined ? {} : {type}, async transaction => {
		const owners = await Owner.count({transaction});
		await waitForSender();
		await Owner.create({name: `owner ${owners + 1}`}, {transaction});
	});
}

test('sqlite: an app transaction that reads then writes: deferred is refused while a sender writes, IMMEDIATE works', async t => {
	const database = await createTestDatabase('sqlite');
	const receiver = await startReceiver();
	const controller = new AbortController();
	try {
		const setup = await appWithHook(t, database, {targetUrl: receiver.url});
		const {app, httpHooks} = setup;
		// The sender's claims are seen through its connection's log: one is under way from the
		// moment it is logged (a moment later it has the write lock, or waits for it).
		let claims = 0;
		const senderConnection = database.open({logging: (sql: string) => {
			claims += sql.includes('UPDATE http_callbacks SET status = \'sending\'') ? 1 : 0;
		}});
		const sender = await connectHttpHooks(senderConnection, {migrate: false});
		const nextClaim = async () => {
			const seen = claims;
			await eventually(async () => claims > seen ? true : undefined, 20_000, 'a claim by the sender');
			await delay(1000);
		};

		// Deferred (Sequelize's default on SQLite): the read takes a shared lock, the sender's claim
		// takes the write lock and waits for the reader to finish, and the app's write is refused
		// (SQLite's deadlock rule), whatever the busy timeout.
		await createOwners(setup, ['Ann', 'Bob']);
		let running: Promise<unknown> | undefined;
		const deferred = readThenWrite(database.sequelize, undefined, app.Owner, async () => {
			const claimed = nextClaim();
			running = sender.sendCallbacks({watch: true, signal: controller.signal});
			await claimed;
		});
		const error = await t.throwsAsync(deferred);
		t.regex(String((error as {original?: Error}).original?.message ?? error?.message), /SQLITE_BUSY/);
		await receiver.waitFor(2, 20_000);
		const allSent = async () => eventually(async () => (await callbackRows(httpHooks)).every(row => row.status === 'sent') ? true : undefined, 30_000, 'every callback sent');
		await allSent();

		// IMMEDIATE: the app takes the write lock at BEGIN; the sender's claims wait their turn.
		// Each round, callbacks that come due a moment later make the sender claim while the
		// transaction holds the lock.
		for (let round = 0; round < 2; round++) {
			// Its earlier results written first: a sender waits for them before it claims again.
			await allSent();
			await insertCallbacks(httpHooks.models, 2, {hookId: setup.hookId, targetUrl: receiver.url, nextAttemptAt: new Date(Date.now() + 1500)});
			await readThenWrite(database.sequelize, Transaction.TYPES.IMMEDIATE, app.Owner, nextClaim);
		}

		t.is(await app.Owner.count(), 2 + 2, 'every immediate transaction committed');
		await allSent();
		t.is(receiver.requests.length, 2 + 2 + 4);
		controller.abort();
		await running;
	} finally {
		controller.abort();
		await receiver.close();
		await database.close();
	}
});
