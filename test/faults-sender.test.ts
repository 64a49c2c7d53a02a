import {setTimeout as delay} from 'node:timers/promises';
import test, {type ExecutionContext} from 'ava';
import {Op} from 'sequelize';
import {startReceiver, type Receiver} from '../fixtures/receiver.js';
import {connectHttpHooks, type HttpHooks} from '../source/index.js';
import {eventually} from './helpers/callbacks.js';
import {createTestDatabase, postgresUrl, skipNote, type TestDatabase} from './helpers/database.js';
import {insertCallbacks, runHooks} from './helpers/run-cli.js';
import {startSender} from './helpers/sender-process.js';
import {startTcpProxy, type TcpProxy} from './helpers/tcp-proxy.js';

// The faults of a sender that runs as a program: the database taken away from it (through a TCP
// proxy on PostgreSQL, a held write lock on SQLite) while it delivers, and SIGKILL while a result
// write is under way. What must hold each time: nothing lost, every callback sent in the end,
// duplicates no more than the requests the sender had not recorded, and every attempt on record
// once, in step with the callback's count.

const concurrency = 4;
const unavailable = /the database is unavailable/g;
const availableAgain = /the database is available again/g;

function postgresTest(title: string, body: (t: ExecutionContext, database: TestDatabase, proxy: TcpProxy) => Promise<void>): void {
	if (!postgresUrl) {
		test.skip(`postgres: ${title} (${skipNote})`, () => undefined);
		return;
	}

	test(`postgres: ${title}`, async t => {
		const database = await createTestDatabase('postgres');
		const {hostname, port} = new URL(database.url);
		const proxy = await startTcpProxy(hostname, Number(port || 5432));
		try {
			await body(t, database, proxy);
		} finally {
			await proxy.close();
			await database.close();
		}
	});
}

/** The library's handle on the test database, closed before the database goes (its listener would see it dropped). */
async function connect(database: TestDatabase): Promise<HttpHooks> {
	const httpHooks = await connectHttpHooks(database.sequelize);
	const closeDatabase = database.close.bind(database);
	database.close = async () => {
		await httpHooks.close();
		await closeDatabase();
	};

	return httpHooks;
}

/** How often each webhook-id reached the receiver. */
function deliveries(receiver: Receiver): Map<string, number> {
	const counts = new Map<string, number>();
	for (const request of receiver.requests) {
		const id = String(request.headers['webhook-id']);
		counts.set(id, (counts.get(id) ?? 0) + 1);
	}

	return counts;
}

/**
 * Every callback sent and received; the requests made twice, at most `maxDuplicates`; each
 * callback's attempts count and attempt rows agree, one row per recorded request, never two.
 */
async function everythingDelivered(t: ExecutionContext, httpHooks: HttpHooks, receiver: Receiver, total: number, maxDuplicates: number): Promise<number> {
	const callbacks = await httpHooks.models.Callback.findAll();
	t.is(callbacks.length, total);
	t.deepEqual(callbacks.filter(callback => callback.status !== 'sent').map(callback => callback.id), [], 'every callback sent');
	const received = deliveries(receiver);
	t.true(callbacks.every(callback => received.has(callback.webhookId)), 'every webhook-id reached the receiver');
	const duplicates = receiver.requests.length - received.size;
	t.true(duplicates <= maxDuplicates, `${duplicates} requests repeated; at most ${maxDuplicates} were unrecorded`);

	const attempts = await httpHooks.models.Attempt.findAll();
	const rows = new Map<number, number>();
	for (const attempt of attempts) {
		rows.set(attempt.callbackId, (rows.get(attempt.callbackId) ?? 0) + 1);
	}

	// Each attempt recorded once: the count and the rows agree. A callback may have had a failed
	// attempt besides (an idle keep-alive socket the receiver closed during a long outage is a
	// real failure, retried on the schedule); every failed one must say why and never reached the
	// receiver twice (the duplicates above).
	t.deepEqual(callbacks.filter(callback => callback.attempts < 1 || rows.get(callback.id) !== callback.attempts).map(callback => ({id: callback.id, attempts: callback.attempts, rows: rows.get(callback.id) ?? 0})), [], 'each attempt recorded once');
	const failed = attempts.filter(attempt => attempt.statusCode === null || attempt.statusCode >= 300);
	t.true(failed.every(attempt => attempt.error !== null || attempt.statusCode !== null), 'a failed attempt says why');
	if (failed.length > 0) {
		t.log(`failed attempts besides the successful ones: ${failed.map(attempt => `${attempt.callbackId}: ${attempt.statusCode ?? attempt.error}`).join('; ')}`);
	}
	return duplicates;
}

async function allSent(httpHooks: HttpHooks, total: number, timeoutMs: number): Promise<void> {
	await eventually(async () => await httpHooks.models.Callback.count({where: {status: 'sent'}}) === total ? true : undefined, timeoutMs, `all ${total} callbacks sent`);
}

/**
 * A `--watch` sender loses its database (connections cut, new ones refused) for `outageMs`
 * while it delivers; callbacks are added meanwhile. Once the database is back it writes what
 * it kept, LISTENs again, sends the new callbacks, and it never stopped.
 */
async function outage(t: ExecutionContext, database: TestDatabase, proxy: TcpProxy, outageMs: number): Promise<void> {
	const receiver = await startReceiver(() => ({status: 200, delayMs: 20}));
	const httpHooks = await connect(database);
	const sender = await startSender(['--database-url', proxy.url(database.url), '--watch', '--concurrency', String(concurrency)]);
	try {
		await insertCallbacks(httpHooks.models, 100, {targetUrl: receiver.url, nextAttemptAt: new Date()});
		await receiver.waitFor(20, 60_000);
		proxy.setMode('refuse');
		proxy.cut();
		await insertCallbacks(httpHooks.models, 50, {targetUrl: receiver.url, nextAttemptAt: new Date()});
		await delay(outageMs);
		t.true(sender.alive, `alive through the outage: ${sender.stderr}`);
		t.true(receiver.requests.length < 150, 'the outage came while callbacks were being delivered');
		proxy.setMode('pass');

		await allSent(httpHooks, 150, 60_000);
		t.true(sender.alive, 'still alive');
		// Without a crash or a lost lease (60 s) nothing is sent twice: the results were kept.
		await everythingDelivered(t, httpHooks, receiver, 150, 0);
		t.is(sender.stderr.match(unavailable)?.length, 1, `said once that the database was away: ${sender.stderr}`);
		t.is(sender.stderr.match(availableAgain)?.length, 1, 'and once that it was back');
		t.regex(sender.stderr, /listening for new callbacks again/);

		// Still working: a callback created now is sent, and the sender stops cleanly.
		await insertCallbacks(httpHooks.models, 1, {targetUrl: receiver.url, nextAttemptAt: new Date()});
		await allSent(httpHooks, 151, 30_000);
		sender.process.kill('SIGTERM');
		const exit = await sender.exited;
		t.is(exit.code, 0, exit.stderr);
	} finally {
		sender.process.kill('SIGKILL');
		await receiver.close();
	}
}

postgresTest('a --watch sender lives through a 2 s database outage: nothing lost, nothing repeated', async (t, database, proxy) => {
	await outage(t, database, proxy, 2000);
});

postgresTest('a --watch sender lives through a 30 s database outage: nothing lost, nothing repeated', async (t, database, proxy) => {
	t.timeout(180_000);
	await outage(t, database, proxy, 30_000);
});

postgresTest('SIGKILL while a result write is held: nothing lost, repeats no more than the requests not recorded', async (t, database, proxy) => {
	const receiver = await startReceiver(() => ({status: 200, delayMs: 20}));
	const httpHooks = await connect(database);
	const total = 200;
	await insertCallbacks(httpHooks.models, total, {targetUrl: receiver.url, nextAttemptAt: new Date()});
	const sender = await startSender(['--database-url', proxy.url(database.url), '--concurrency', String(concurrency), '--lease-seconds', '2']);
	try {
		await receiver.waitFor(20, 60_000);
		// Every byte to and from the database is held from now on: the next result write hangs.
		proxy.setDelay(600_000);
		// The sender stops starting requests once `concurrency` results wait to be written.
		let seen = -1;
		await eventually(async () => {
			const now = receiver.requests.length;
			const quiet = now === seen;
			seen = now;
			await delay(1000);
			return quiet ? true : undefined;
		}, 60_000, 'the sender to stop sending while its results cannot be written');
		t.true(receiver.requests.length < total, 'it stopped before it was done');
		sender.process.kill('SIGKILL');
		t.is((await sender.exited).signal, 'SIGKILL');
		const unrecorded = receiver.requests.length - await httpHooks.models.Attempt.count();
		t.true(unrecorded <= 2 * concurrency, `${unrecorded} requests made and not recorded when killed`);

		// Once the dead sender's leases have run out, another run delivers the rest.
		proxy.setDelay(0);
		await eventually(async () => await httpHooks.models.Callback.count({where: {status: 'sending', leaseUntil: {[Op.gte]: new Date()}}}) === 0 ? true : undefined, 30_000, 'the leases to run out');
		const rerun = await runHooks(['send-callbacks', '--database-url', database.url, '--json']);
		t.is(rerun.code, 0, rerun.stderr);
		const duplicates = await everythingDelivered(t, httpHooks, receiver, total, 2 * concurrency);
		t.is(duplicates, unrecorded, 'exactly the requests that were not recorded are made again');
	} finally {
		sender.process.kill('SIGKILL');
		await receiver.close();
	}
});

postgresTest('without --watch, a lost database ends the run with exit code 3 and one line', async (t, database, proxy) => {
	const receiver = await startReceiver(() => ({status: 200, delayMs: 200}));
	const httpHooks = await connect(database);
	await insertCallbacks(httpHooks.models, 50, {targetUrl: receiver.url, nextAttemptAt: new Date()});
	const sender = await startSender(['--database-url', proxy.url(database.url), '--concurrency', '2']);
	try {
		await receiver.waitFor(1, 60_000);
		proxy.setMode('refuse');
		proxy.cut();
		const exit = await sender.exited;
		t.is(exit.code, 3, exit.stderr);
		t.regex(exit.stderr, /^Lost the database while sending: .+\n$/);
	} finally {
		sender.process.kill('SIGKILL');
		await receiver.close();
	}
});

test('sqlite: a --watch sender lives through another connection holding the write lock (BEGIN EXCLUSIVE) for 7 s', async t => {
	const database = await createTestDatabase('sqlite');
	const receiver = await startReceiver(() => ({status: 200, delayMs: 20}));
	// Migrated first: a sender started on a database without the tables exits at once.
	const httpHooks = await connect(database);
	const sender = await startSender(['--database-url', database.url, '--watch', '--concurrency', String(concurrency)]);
	try {
		await insertCallbacks(httpHooks.models, 100, {targetUrl: receiver.url, nextAttemptAt: new Date()});
		await receiver.waitFor(10, 60_000);
		const locker = database.open();
		await eventually(async () => locker.query('BEGIN EXCLUSIVE').then(() => true, () => undefined), 30_000, 'the write lock');
		// Longer than the sender's busy timeout (5 s): its writes wait, some of them twice.
		await delay(7000);
		await locker.query('COMMIT');
		t.true(sender.alive, sender.stderr);

		await allSent(httpHooks, 100, 60_000);
		t.true(sender.alive, 'still alive');
		await everythingDelivered(t, httpHooks, receiver, 100, concurrency);
		// A lock this short is waited for (busy timeout, and Sequelize tries a busy statement again):
		// at most one outage, said once each way.
		const away = sender.stderr.match(unavailable)?.length ?? 0;
		t.true(away <= 1, `not said at every try: ${sender.stderr}`);
		t.is(sender.stderr.match(availableAgain)?.length ?? 0, away, 'said when it was back');
		sender.process.kill('SIGTERM');
		t.is((await sender.exited).code, 0);
	} finally {
		sender.process.kill('SIGKILL');
		await receiver.close();
		await database.close();
	}
});
