import {QueryTypes, type Sequelize} from 'sequelize';
import {connectHttpHooks} from '../source/index.js';
import {claimAbandoned, claimDue} from '../source/delivery/claim.js';
import {claimLimited} from '../source/delivery/rate-limit.js';
import {appWithHook} from './helpers/delivery.js';
import {withTimes} from '../source/store/dialects/index.js';
import type {TestDatabase} from './helpers/database.js';
import {dialectTest} from './helpers/dialect-test.js';
import {insertCallbacks} from './helpers/run-cli.js';

// What a claim holds while its transaction is open, seen from another connection. SQLite is left
// out: there a claim is one statement, and the file's write lock keeps every writer apart anyway.
const serverDialects = ['postgres', 'mysql', 'mariadb'] as const;

/**
 * Hold the transaction of the next claim on `sequelize` open right after its locking read
 * returned, until `release` is called: what the claim locked stays locked meanwhile.
 */
function holdNextClaim(sequelize: Sequelize): {held: Promise<void>; release(): void} {
	let release!: () => void;
	let markHeld!: () => void;
	const held = new Promise<void>(resolve => {
		markHeld = resolve;
	});
	const released = new Promise<void>(resolve => {
		release = resolve;
	});
	let done = false;
	sequelize.addHook('afterQuery', async (_options, query) => {
		if (!done && /FOR UPDATE SKIP LOCKED/.test((query as unknown as {sql?: string}).sql ?? '')) {
			done = true;
			markHeld();
			await released;
		}
	});
	return {held, release};
}

/** Another connection, as the app or another sender has, that gives up on a row lock after a few seconds instead of 50. */
async function otherConnection(database: TestDatabase): Promise<Sequelize> {
	const other = database.open({pool: {max: 1, min: 1}});
	if (database.dialect === 'postgres') {
		await other.query('SET lock_timeout = \'5s\'');
	} else {
		await other.query('SET SESSION innodb_lock_wait_timeout = 5');
	}

	return other;
}

const claimer = (worker: string) => {
	const now = new Date();
	return {worker, now, leaseUntil: new Date(now.getTime() + 60_000)};
};

async function statuses(sequelize: Sequelize): Promise<Record<string, string>> {
	const [rows] = await sequelize.query('SELECT webhook_id, status, locked_by FROM http_callbacks ORDER BY id');
	return Object.fromEntries((rows as Array<{webhook_id: string; status: string; locked_by: string | null}>).map(row => [row.webhook_id, `${row.status}:${row.locked_by ?? ''}`]));
}

dialectTest('a claim that finds nothing due does not hold up a new callback the app writes meanwhile', async (t, database) => {
	const httpHooks = await connectHttpHooks(database.sequelize);
	// Something beyond the due range: the row a locking read stops at.
	await insertCallbacks(httpHooks.models, 1, {webhookId: 'later', nextAttemptAt: new Date(Date.now() + 3_600_000)});
	const sender = database.open();
	const hold = holdNextClaim(sender);
	const claim = claimDue(sender, claimer('sender'), {limit: 10, cutoff: new Date()});
	await hold.held;
	try {
		const app = await otherConnection(database);
		const now = new Date();
		await app.query(
			`INSERT INTO http_callbacks (hook_name, event_type, webhook_id, target_url, http_method, headers, status, attempts, next_attempt_at, created_at, updated_at)
			VALUES ('test hook', 'created', 'new', 'http://127.0.0.1:9/hooks', 'POST', '{}', 'waiting', 0, :now, :now, :now)`,
			{replacements: withTimes(app, {now})},
		);
		t.pass('the INSERT did not wait for the claim');
	} finally {
		hold.release();
	}

	t.deepEqual(await claim, [], 'nothing was due when the claim looked');
	t.deepEqual((await claimDue(database.sequelize, claimer('sender'), {limit: 10, cutoff: new Date()})).map(callback => callback.webhookId), ['new']);
}, {dialects: [...serverDialects]});

dialectTest('a claim of a rate-limited hook that finds nothing due does not hold up a new callback of that hook the app writes meanwhile', async (t, database) => {
	const {httpHooks, hookId} = await appWithHook(t, database, {targetUrl: 'http://127.0.0.1:9/hooks', rateLimit: 50});
	// Something of the hook beyond the due range: the row a locking read stops at.
	await insertCallbacks(httpHooks.models, 1, {hookId, webhookId: 'later', nextAttemptAt: new Date(Date.now() + 3_600_000)});
	const sender = database.open();
	const hold = holdNextClaim(sender);
	const claim = claimLimited(sender, claimer('sender'), {hookId, rateLimit: 50, maxInFlight: null}, {limit: 10, cutoff: new Date(), abandoned: false});
	await hold.held;
	try {
		const app = await otherConnection(database);
		const now = new Date();
		await app.query(
			`INSERT INTO http_callbacks (hook_id, hook_name, event_type, webhook_id, target_url, http_method, headers, status, attempts, next_attempt_at, created_at, updated_at)
			VALUES (:hookId, 'test hook', 'created', 'new', 'http://127.0.0.1:9/hooks', 'POST', '{}', 'waiting', 0, :now, :now, :now)`,
			{replacements: withTimes(app, {hookId, now})},
		);
		t.pass('the INSERT did not wait for the claim');
	} finally {
		hold.release();
	}

	t.deepEqual((await claim).claimed, [], 'nothing was due when the claim looked');
}, {dialects: [...serverDialects]});

dialectTest('the claim of abandoned callbacks locks only those: another sender locks the callbacks it is sending meanwhile', async (t, database) => {
	const httpHooks = await connectHttpHooks(database.sequelize);
	// A table the size of a real one, so that the plan is a real one's (on five rows a database
	// reads everything anyway): sent callbacks, due ones, and another sender's callbacks in flight.
	await insertCallbacks(httpHooks.models, 2000, {status: 'sent', nextAttemptAt: new Date()});
	await insertCallbacks(httpHooks.models, 200, {status: 'waiting', nextAttemptAt: new Date()});
	const live = await insertCallbacks(httpHooks.models, 50, {status: 'sending', lockedBy: 'other', leaseUntil: new Date(Date.now() + 3_600_000), nextAttemptAt: new Date()});
	await insertCallbacks(httpHooks.models, 1, {webhookId: 'abandoned', status: 'sending', lockedBy: 'dead', leaseUntil: new Date(Date.now() - 60_000), nextAttemptAt: new Date()});
	await insertCallbacks(httpHooks.models, 1, {webhookId: 'unscheduled', status: 'waiting', nextAttemptAt: null});
	await database.sequelize.query(database.dialect === 'postgres' ? 'ANALYZE http_callbacks' : 'ANALYZE TABLE http_callbacks');
	const sender = database.open();
	const hold = holdNextClaim(sender);
	const claim = claimAbandoned(sender, claimer('sender'), {limit: 10});
	await hold.held;
	try {
		// What the other sender's result write does first: lock the callbacks it holds.
		const other = await otherConnection(database);
		// (One by one by primary key: on a table of five rows, an IN list may be read by a full scan.)
		const locked = await other.transaction(async transaction => Promise.all(live.map(async id => other.query(
			'SELECT id FROM http_callbacks WHERE id = :id AND locked_by = \'other\' FOR UPDATE',
			{replacements: {id}, type: QueryTypes.SELECT, transaction},
		))));
		t.is(locked.flat().length, live.length, 'the other sender locked its callbacks without waiting for the claim');
	} finally {
		hold.release();
	}

	t.deepEqual((await claim).map(callback => callback.webhookId).sort(), ['abandoned', 'unscheduled']);
	const after = await statuses(database.sequelize);
	t.is(after['abandoned'], 'sending:sender');
	t.is(after['unscheduled'], 'sending:sender');
	t.is(Object.values(after).filter(value => value === 'sending:other').length, live.length, 'the other sender\'s callbacks are still its own');
}, {dialects: [...serverDialects]});
