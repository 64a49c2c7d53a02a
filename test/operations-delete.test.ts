import {execFile, spawn, spawnSync} from 'node:child_process';
import {Op} from 'sequelize';
import test from 'ava';
import {connectHttpHooks, HttpHooksError, type HttpHooks} from '../source/index.js';
import {startReceiver} from '../fixtures/receiver.js';
import {deleteOldCallbacks} from '../source/operations/delete-old-callbacks.js';
import {createTestDatabase} from './helpers/database.js';
import {allDialects, dialectTest} from './helpers/dialect-test.js';
import {daysAgo, hooksArgs, insertCallbacks, repoRoot, runHooks} from './helpers/run-cli.js';

const day = 24 * 60 * 60 * 1000;

async function addAttempts(httpHooks: HttpHooks, callbackIds: number[], perCallback: number): Promise<void> {
	await httpHooks.models.Attempt.bulkCreate(callbackIds.flatMap(callbackId => Array.from({length: perCallback}, (_, index) => ({
		callbackId, attempt: index + 1, startedAt: new Date(), durationMs: 5, statusCode: 500,
	}))));
}

async function counts(httpHooks: HttpHooks) {
	return {callbacks: await httpHooks.models.Callback.count(), attempts: await httpHooks.models.Attempt.count()};
}

dialectTest('delete-old-callbacks: only sent and error callbacks older than DAYS go, with their attempts; --dry-run deletes nothing', async (t, db) => {
	const httpHooks = await connectHttpHooks(db.sequelize);
	const old = await insertCallbacks(httpHooks.models, 30, {status: 'sent', createdAt: daysAgo(40), updatedAt: daysAgo(40)});
	// Just inside the window: 29 days and 23 hours old; recently updated old rows still go.
	const young = await insertCallbacks(httpHooks.models, 20, {status: 'error', createdAt: new Date(Date.now() - (30 * day) + (60 * 60 * 1000))});
	// Old but still to be sent: never deleted.
	const oldButTouched = await insertCallbacks(httpHooks.models, 3, {status: 'waiting', createdAt: daysAgo(31), updatedAt: new Date()});
	const fresh = await insertCallbacks(httpHooks.models, 5);
	// Old, but a sender holds them right now: left for a later run.
	const sending = await insertCallbacks(httpHooks.models, 2, {status: 'sending', createdAt: daysAgo(50), lockedBy: 'worker-1', leaseUntil: new Date(Date.now() + 60_000)});
	await addAttempts(httpHooks, [...old, ...oldButTouched], 2);
	await addAttempts(httpHooks, [...young, ...sending], 1);
	t.deepEqual(await counts(httpHooks), {callbacks: 60, attempts: 88});

	const dry = await runHooks(['delete-old-callbacks', '30', '--dry-run', '--database-url', db.url]);
	t.is(dry.code, 0);
	t.regex(dry.stdout, /^Would delete 30 callbacks created before \d{4}-\d\d-\d\dT[\d:.]+Z \(dry run: nothing deleted\)\nWould leave 5 old callbacks still waiting or being sent\n$/);
	t.deepEqual(await counts(httpHooks), {callbacks: 60, attempts: 88});

	const started = Date.now();
	const run = await runHooks(['delete-old-callbacks', '30', '--batch-size', '7', '--json', '--database-url', db.url]);
	t.is(run.code, 0, run.stderr);
	const result = JSON.parse(run.stdout) as {deleted: number; cutoff: string; dryRun: boolean; stopped: boolean};
	t.like(result, {deleted: 30, dryRun: false, stopped: false, skipped: 5});
	const cutoff = new Date(result.cutoff).getTime();
	t.true(cutoff >= started - (30 * day) && cutoff <= Date.now() - (30 * day));

	const left = await httpHooks.models.Callback.findAll({attributes: ['id'], order: [['id', 'ASC']]});
	t.deepEqual(left.map(row => row.id), [...young, ...oldButTouched, ...fresh, ...sending]);
	t.deepEqual(await counts(httpHooks), {callbacks: 30, attempts: 28});
	t.is(await httpHooks.models.Attempt.count({where: {callbackId: {[Op.in]: old}}}), 0);

	// DAYS 0: every final callback created until now goes; the plain text says how many.
	const rest = await runHooks(['delete-old-callbacks', '0', '--database-url', db.url]);
	t.is(rest.code, 0, rest.stderr);
	t.regex(rest.stdout, /^Deleted 20 callbacks created before \S+, with their attempts\nLeft 10 old callbacks still waiting or being sent\n$/);
	t.deepEqual(await counts(httpHooks), {callbacks: 10, attempts: 8});
}, {dialects: allDialects});

dialectTest('delete-old-callbacks: Ctrl-C stops between batches and reports what was deleted', async (t, db) => {
	const httpHooks = await connectHttpHooks(db.sequelize);
	const total = 3000;
	await insertCallbacks(httpHooks.models, total, {status: 'sent', createdAt: daysAgo(10)});
	const child = spawn(process.execPath, await hooksArgs(['delete-old-callbacks', '1', '--batch-size', '1', '--json', '--database-url', db.url]), {cwd: repoRoot});
	let stdout = '';
	child.stdout.on('data', (chunk: Buffer) => {
		stdout += chunk.toString();
	});
	const exited = new Promise<number | null>(resolve => child.on('exit', resolve));
	// Once the first batches are gone, ask it to stop.
	while (await httpHooks.models.Callback.count() === total) {
		await new Promise(resolve => setTimeout(resolve, 20));
	}

	child.kill('SIGINT');
	t.is(await exited, 130);
	const result = JSON.parse(stdout) as {deleted: number; stopped: boolean};
	const left = await httpHooks.models.Callback.count();
	t.true(result.stopped);
	t.true(result.deleted > 0 && left > 0, `deleted ${result.deleted}, left ${left}`);
	t.is(result.deleted + left, total);
}, {dialects: allDialects});

dialectTest('deleteOldCallbacks: batches, progress, a stop signal and bad days', async (t, db) => {
	const httpHooks = await connectHttpHooks(db.sequelize);
	await insertCallbacks(httpHooks.models, 25, {status: 'sent', createdAt: daysAgo(3)});
	await insertCallbacks(httpHooks.models, 4, {status: 'error', createdAt: daysAgo(1)});
	const progress: Array<{deleted: number; total: number}> = [];
	const controller = new AbortController();
	const stopped = await httpHooks.deleteOldCallbacks(2, {
		batchSize: 10,
		signal: controller.signal,
		onProgress(step) {
			progress.push(step);
			if (step.deleted >= 20) {
				controller.abort();
			}
		},
	});
	t.like(stopped, {deleted: 20, dryRun: false, stopped: true});
	t.deepEqual(progress, [{deleted: 10, total: 25}, {deleted: 20, total: 25}]);
	t.is(await httpHooks.models.Callback.count(), 9);

	t.like(await httpHooks.deleteOldCallbacks(2, {dryRun: true}), {deleted: 5, dryRun: true, stopped: false});
	t.like(await httpHooks.deleteOldCallbacks(2, {batchSize: 5}), {deleted: 5, stopped: false});
	t.like(await httpHooks.deleteOldCallbacks(2), {deleted: 0, stopped: false});
	t.is(await httpHooks.models.Callback.count(), 4);

	for (const [days, shown] of [[-1, '"-1"'], [1.5, '"1.5"'], ['a week', '"a week"'], [Number.NaN, '"NaN"'], [undefined, '"undefined"'], [36_501, '"36501"'], [99_999_999_999_999, '"99999999999999"']] as const) {
		await t.throwsAsync(httpHooks.deleteOldCallbacks(days as number), {instanceOf: HttpHooksError, message: `Days must be a whole number from 0 to 36500, got ${shown}`});
	}

	await t.throwsAsync(httpHooks.deleteOldCallbacks(1, {batchSize: 0}), {instanceOf: HttpHooksError, message: 'Batch size must be a whole number from 1 to 100000, got "0"'});
	t.is(await httpHooks.models.Callback.count(), 4);
}, {dialects: allDialects});

test('delete-old-callbacks: a bad DAYS or batch size is a usage error naming the value', async t => {
	const cases: Array<[string[], string]> = [
		[['-1'], 'DAYS must be a whole number from 0 to 36500, got "-1"'],
		[['abc'], 'DAYS must be a whole number from 0 to 36500, got "abc"'],
		[['99999999999999'], 'DAYS must be a whole number from 0 to 36500, got "99999999999999"'],
		[[], 'DAYS is missing'],
		[['3', '4'], 'Expected one DAYS argument, got 2: 3 4'],
		[['3', '--batch-size', '0'], '--batch-size must be a whole number from 1 to 100000, got "0"'],
	];
	const results = await Promise.all(cases.map(async ([args]) => runHooks(['delete-old-callbacks', ...args, '--database-url', 'sqlite:/nonexistent/never-opened.sqlite'])));
	for (const [index, result] of results.entries()) {
		t.is(result.code, 2, cases[index]![1]);
		t.true(result.stderr.startsWith(cases[index]![1]), result.stderr);
		t.is(result.stdout, '');
	}
});

// A terminal is needed to see progress: `script` (util-linux) runs the program on a pseudo-terminal.
const scriptAvailable = spawnSync('script', ['--version']).status === 0;
const terminalTitle = `delete-old-callbacks: progress on a terminal, none when piped${scriptAvailable ? '' : ' (needs `script` from util-linux)'}`;
(scriptAvailable ? test : test.skip)(terminalTitle, async t => {
	const db = await createTestDatabase('sqlite');
	try {
		const httpHooks = await connectHttpHooks(db.sequelize);
		await insertCallbacks(httpHooks.models, 1500, {status: 'sent', createdAt: daysAgo(10)});
		const command = [process.execPath, ...await hooksArgs(['delete-old-callbacks', '5', '--batch-size', '500', '--database-url', db.url])]
			.map(word => `'${word.replaceAll('\'', '\'\\\'\'')}'`).join(' ');
		const output = await new Promise<string>((resolve, reject) => {
			execFile('script', ['-qec', command, '/dev/null'], {cwd: repoRoot}, (error, stdout) => {
				if (error) {
					reject(error);
				} else {
					resolve(stdout);
				}
			});
		});
		t.regex(output, /Deleting old callbacks: 500 of 1500 \(33%\)/);
		t.regex(output, /Deleting old callbacks: 1500 of 1500 \(100%\)/);
		t.regex(output, /Deleted 1500 callbacks created before/);
		t.is(await httpHooks.models.Callback.count(), 0);

		await insertCallbacks(httpHooks.models, 1000, {status: 'error', createdAt: daysAgo(10)});
		const piped = await runHooks(['delete-old-callbacks', '5', '--batch-size', '500', '--database-url', db.url]);
		t.regex(piped.stdout, /^Deleted 1000 callbacks created before \S+, with their attempts\n$/);
	} finally {
		await db.close();
	}
});

dialectTest('deleteOldCallbacks: an invalid cutoff never reaches SQL, and nothing is deleted', async (t, db) => {
	const httpHooks = await connectHttpHooks(db.sequelize);
	await insertCallbacks(httpHooks.models, 3, {status: 'waiting', createdAt: daysAgo(10)});
	await insertCallbacks(httpHooks.models, 3, {status: 'sent', createdAt: daysAgo(10)});
	// A clock gone wrong (or arithmetic past the last representable date) gives an Invalid Date:
	// on SQLite it compared as text after every date, and every callback went.
	for (const now of [new Date(Number.NaN), new Date(-8.64e15)]) {
		await t.throwsAsync(deleteOldCallbacks(httpHooks.models, 1, {}, now), {instanceOf: HttpHooksError, message: /^The cutoff of deleteOldCallbacks is not a valid date/});
		await t.throwsAsync(deleteOldCallbacks(httpHooks.models, 1, {dryRun: true}, now), {instanceOf: HttpHooksError});
	}

	t.is(await httpHooks.models.Callback.count(), 6);
	const huge = await runHooks(['delete-old-callbacks', '99999999999999', '--database-url', db.url]);
	t.is(huge.code, 2, huge.stderr);
	t.is(await httpHooks.models.Callback.count(), 6);
}, {dialects: allDialects});

dialectTest('concurrent delete and claim: a callback a sender claims while the DELETE waits for its row is kept', async (t, db) => {
	const httpHooks = await connectHttpHooks(db.sequelize, {sqliteBusyTimeoutMs: 60_000});
	const ids = await insertCallbacks(httpHooks.models, 20, {status: 'sent', createdAt: daysAgo(10)});
	const claimed = ids[7]!;
	// Another sender's claim of an old sent callback (a resend), not committed yet: it holds the row.
	const other = db.open();
	const transaction = await other.transaction();
	await other.query('UPDATE http_callbacks SET status = \'sending\', locked_by = \'other-sender\', lease_until = :lease WHERE id = :id', {
		replacements: {id: claimed, lease: new Date(Date.now() + 60_000)}, transaction,
	});
	const deleting = httpHooks.deleteOldCallbacks(1);
	if (db.dialect === 'postgres') {
		// Only once the DELETE waits for the claimed row's lock is this the race to test.
		const watcher = db.open();
		for (let waiting = 0; waiting === 0;) {
			const [rows] = await watcher.query('SELECT COUNT(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = \'Lock\' AND query LIKE \'DELETE FROM http_callbacks%\'');
			waiting = Number((rows as Array<{n: string}>)[0]!.n);
			await new Promise(resolve => setTimeout(resolve, 50));
		}
	} else if (db.dialect !== 'sqlite') {
		// MySQL: the DELETE of the picked ids runs (waiting for the claimed row's lock).
		const watcher = db.open();
		for (let waiting = 0; waiting === 0;) {
			const [rows] = await watcher.query('SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST WHERE DB = DATABASE() AND INFO LIKE \'DELETE FROM http_callbacks%\'');
			waiting = Number((rows as Array<{n: string}>)[0]!.n);
			await new Promise(resolve => setTimeout(resolve, 50));
		}
	} else {
		// SQLite: the DELETE waits for the write lock (busy timeout); no row can change under it.
		await new Promise(resolve => setTimeout(resolve, 300));
	}

	await transaction.commit();
	const result = await deleting;
	t.like(result, {deleted: 19, stopped: false});
	const left = await httpHooks.models.Callback.findAll({attributes: ['id', 'status', 'lockedBy']});
	t.deepEqual(left.map(row => [row.id, row.status, row.lockedBy]), [[claimed, 'sending', 'other-sender']]);
}, {dialects: allDialects});

dialectTest('concurrent delete and claim: old callbacks resent by a sender while delete-old-callbacks runs stay, with their attempts', async (t, db) => {
	let release!: () => void;
	const gate = new Promise<void>(resolve => {
		release = resolve;
	});
	const receiver = await startReceiver(async () => {
		await gate;
		return {status: 200, body: 'ok'};
	});
	t.teardown(async () => receiver.close());
	const httpHooks = await connectHttpHooks(db.sequelize, {sqliteBusyTimeoutMs: 60_000});
	const ids = await insertCallbacks(httpHooks.models, 20, {status: 'sent', createdAt: daysAgo(10), targetUrl: `${receiver.url}/hooks`});
	const resent = ids.slice(0, 8);
	// Ids as digit strings, as PostgreSQL returns BIGINT ids.
	const sending = httpHooks.sendCallbacks({callbackIds: resent.map(String), concurrency: 8, delivery: {timeoutMs: 3_600_000}});
	await receiver.waitFor(8, 60_000);
	const deleted = await runHooks(['delete-old-callbacks', '1', '--json', '--database-url', db.url]);
	t.is(deleted.code, 0, deleted.stderr);
	t.like(JSON.parse(deleted.stdout), {deleted: 12, skipped: 8});
	release();
	t.like(await sending, {claimed: 8, sent: 8, failed: 0, missing: []});
	const left = await httpHooks.models.Callback.findAll({attributes: ['id', 'status'], order: [['id', 'ASC']]});
	t.deepEqual(left.map(row => [row.id, row.status]), resent.map(id => [id, 'sent']));
	t.is(await httpHooks.models.Attempt.count({where: {callbackId: {[Op.in]: resent}}}), 8);
}, {dialects: allDialects});
