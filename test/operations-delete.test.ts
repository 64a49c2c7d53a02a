import {execFile, spawn, spawnSync} from 'node:child_process';
import {Op} from 'sequelize';
import test from 'ava';
import {connectHttpHooks, HttpHooksError, type HttpHooks} from '../source/index.js';
import {createTestDatabase} from './helpers/database.js';
import {dialectTest} from './helpers/dialect-test.js';
import {daysAgo, insertCallbacks, repoRoot, runHooks} from './helpers/run-cli.js';

const day = 24 * 60 * 60 * 1000;

async function addAttempts(httpHooks: HttpHooks, callbackIds: number[], perCallback: number): Promise<void> {
	await httpHooks.models.Attempt.bulkCreate(callbackIds.flatMap(callbackId => Array.from({length: perCallback}, (_, index) => ({
		callbackId, attempt: index + 1, startedAt: new Date(), durationMs: 5, statusCode: 500,
	}))));
}

async function counts(httpHooks: HttpHooks) {
	return {callbacks: await httpHooks.models.Callback.count(), attempts: await httpHooks.models.Attempt.count()};
}

dialectTest('delete-old-callbacks: only callbacks older than DAYS go, with their attempts; --dry-run deletes nothing', async (t, db) => {
	const httpHooks = await connectHttpHooks(db.sequelize);
	const old = await insertCallbacks(httpHooks.models, 30, {status: 'sent', createdAt: daysAgo(40), updatedAt: daysAgo(40)});
	// Just inside the window: 29 days and 23 hours old; recently updated old rows still go.
	const young = await insertCallbacks(httpHooks.models, 20, {status: 'error', createdAt: new Date(Date.now() - (30 * day) + (60 * 60 * 1000))});
	const oldButTouched = await insertCallbacks(httpHooks.models, 3, {status: 'waiting', createdAt: daysAgo(31), updatedAt: new Date()});
	const fresh = await insertCallbacks(httpHooks.models, 5);
	// Old, but a sender holds them right now: left for a later run.
	const sending = await insertCallbacks(httpHooks.models, 2, {status: 'sending', createdAt: daysAgo(50), lockedBy: 'worker-1', leaseUntil: new Date(Date.now() + 60_000)});
	await addAttempts(httpHooks, [...old, ...oldButTouched], 2);
	await addAttempts(httpHooks, [...young, ...sending], 1);
	t.deepEqual(await counts(httpHooks), {callbacks: 60, attempts: 88});

	const dry = await runHooks(['delete-old-callbacks', '30', '--dry-run', '--database-url', db.url]);
	t.is(dry.code, 0);
	t.regex(dry.stdout, /^Would delete 33 callbacks created before \d{4}-\d\d-\d\dT[\d:.]+Z \(dry run: nothing deleted\)\nWould leave 2 old callbacks a sender is sending right now\n$/);
	t.deepEqual(await counts(httpHooks), {callbacks: 60, attempts: 88});

	const started = Date.now();
	const run = await runHooks(['delete-old-callbacks', '30', '--batch-size', '7', '--json', '--database-url', db.url]);
	t.is(run.code, 0, run.stderr);
	const result = JSON.parse(run.stdout) as {deleted: number; cutoff: string; dryRun: boolean; stopped: boolean};
	t.like(result, {deleted: 33, dryRun: false, stopped: false, skipped: 2});
	const cutoff = new Date(result.cutoff).getTime();
	t.true(cutoff >= started - (30 * day) && cutoff <= Date.now() - (30 * day));

	const left = await httpHooks.models.Callback.findAll({attributes: ['id'], order: [['id', 'ASC']]});
	t.deepEqual(left.map(row => row.id), [...young, ...fresh, ...sending]);
	t.deepEqual(await counts(httpHooks), {callbacks: 27, attempts: 22});
	t.is(await httpHooks.models.Attempt.count({where: {callbackId: {[Op.in]: [...old, ...oldButTouched]}}}), 0);

	// DAYS 0: everything created until now goes; the plain text says how many.
	const rest = await runHooks(['delete-old-callbacks', '0', '--database-url', db.url]);
	t.is(rest.code, 0, rest.stderr);
	t.regex(rest.stdout, /^Deleted 25 callbacks created before \S+, with their attempts\nLeft 2 old callbacks a sender is sending right now; a later run deletes them\n$/);
	t.deepEqual(await counts(httpHooks), {callbacks: 2, attempts: 2});
});

dialectTest('delete-old-callbacks: Ctrl-C stops between batches and reports what was deleted', async (t, db) => {
	const httpHooks = await connectHttpHooks(db.sequelize);
	const total = 3000;
	await insertCallbacks(httpHooks.models, total, {createdAt: daysAgo(10)});
	const child = spawn(process.execPath, ['--import', 'tsx', 'cli/hooks.ts', 'delete-old-callbacks', '1', '--batch-size', '1', '--json', '--database-url', db.url], {cwd: repoRoot});
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
});

dialectTest('deleteOldCallbacks: batches, progress, a stop signal and bad days', async (t, db) => {
	const httpHooks = await connectHttpHooks(db.sequelize);
	await insertCallbacks(httpHooks.models, 25, {createdAt: daysAgo(3)});
	await insertCallbacks(httpHooks.models, 4, {createdAt: daysAgo(1)});
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

	for (const [days, shown] of [[-1, '"-1"'], [1.5, '"1.5"'], ['a week', '"a week"'], [Number.NaN, '"NaN"'], [undefined, '"undefined"']] as const) {
		await t.throwsAsync(httpHooks.deleteOldCallbacks(days as number), {instanceOf: HttpHooksError, message: `Days ${shown} is not a non-negative integer`});
	}

	await t.throwsAsync(httpHooks.deleteOldCallbacks(1, {batchSize: 0}), {instanceOf: HttpHooksError, message: 'Batch size "0" is not a positive integer'});
	t.is(await httpHooks.models.Callback.count(), 4);
});

test('delete-old-callbacks: a bad DAYS or batch size is a usage error naming the value', async t => {
	const cases: Array<[string[], string]> = [
		[['-1'], 'DAYS "-1" is not a non-negative integer'],
		[['abc'], 'DAYS "abc" is not a non-negative integer'],
		[[], 'DAYS is missing'],
		[['3', '--batch-size', '0'], '--batch-size "0" is not a positive integer'],
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
		await insertCallbacks(httpHooks.models, 1500, {createdAt: daysAgo(10)});
		const command = [process.execPath, '--import', 'tsx', 'cli/hooks.ts', 'delete-old-callbacks', '5', '--batch-size', '500', '--database-url', db.url]
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

		await insertCallbacks(httpHooks.models, 1000, {createdAt: daysAgo(10)});
		const piped = await runHooks(['delete-old-callbacks', '5', '--batch-size', '500', '--database-url', db.url]);
		t.regex(piped.stdout, /^Deleted 1000 callbacks created before \S+, with their attempts\n$/);
	} finally {
		await db.close();
	}
});
