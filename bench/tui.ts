// hooks-tui over a large callbacks table, on SQLite and (with HTTP_HOOKS_TEST_PG) PostgreSQL:
// the queries the console runs when it opens and refreshes, next to a full COUNT(*) (what it
// never runs on open) measured in the same run, and the console itself rendered through
// ink-testing-library: opening the callbacks screen and moving the cursor.
// BENCH_TUI_ROWS makes the table smaller for a quick look.
import {render} from 'ink-testing-library';
import {createElement} from 'react';
import {DataTypes, type Sequelize} from 'sequelize';
import {App} from '../cli/tui/app.js';
import {ConsoleSource} from '../cli/tui/console-source.js';
import {createTheme} from '../cli/tui/theme.js';
import {countByHook, countCallbacks, newerCallbacks, pageCallbacks, type CallbackFilter} from '../source/operations/browse-callbacks.js';
import {connectHttpHooks, type HttpHooks} from '../source/index.js';
import {createTestDatabase, postgresUrl, type Dialect} from '../test/helpers/database.js';

const rows = Number(process.env['BENCH_TUI_ROWS'] ?? 1_000_000);
const batch = 1000;
const hookCount = 3;

function sqliteDate(date: Date): string {
	return `${date.toISOString().replace('T', ' ').replace('Z', '')} +00:00`;
}

/** `rows` callbacks in multi-row INSERTs of `batch`: 1 in 50 error, 1 in 50 waiting, the rest sent. */
async function seed(sequelize: Sequelize, dialect: Dialect): Promise<void> {
	const columns = 'hook_id, hook_name, model, object_id, event_type, webhook_id, target_url, http_method, content_type, headers, payload, status, status_details, attempts, next_attempt_at, created_at, updated_at';
	const start = Date.now() - rows * 1000;
	const stamp = (ms: number) => dialect === 'sqlite' ? sqliteDate(new Date(ms)) : new Date(ms).toISOString();
	let transaction = await sequelize.transaction();
	for (let first = 1; first <= rows; first += batch) {
		// A commit every 100 statements: one disk flush per 100,000 rows, not per statement.
		if (first % (batch * 100) === 1 && first > 1) {
			await transaction.commit();
			transaction = await sequelize.transaction();
		}

		const values: string[] = [];
		for (let index = first; index < Math.min(rows + 1, first + batch); index++) {
			const hook = (index % hookCount) + 1;
			const status = index % 50 === 0 ? 'error' : index % 50 === 1 ? 'waiting' : 'sent';
			const details = status === 'error' ? 'status_code:500' : status === 'sent' ? 'status_code:200' : '';
			const at = stamp(start + index * 1000);
			values.push(`(${hook}, 'bench-hook-${hook}', 'Pet', '${index}', 'created', 'msg_${index}', 'http://127.0.0.1:9/hooks/${hook}', 'POST', 'application/json', '{"X-Env":"bench"}', '{"id": ${index}}', '${status}', '${details}', ${status === 'waiting' ? 0 : 1}, '${at}', '${at}', '${at}')`);
		}

		await sequelize.query(`INSERT INTO http_callbacks (${columns}) VALUES ${values.join(',')}`, {transaction});
	}

	await transaction.commit();

	// What a live database has: statistics (autovacuum on PostgreSQL).
	await sequelize.query(dialect === 'postgres' ? 'VACUUM ANALYZE http_callbacks' : 'ANALYZE');
}

async function time<T>(work: () => Promise<T>): Promise<{ms: number; value: T}> {
	const started = performance.now();
	const value = await work();
	return {ms: performance.now() - started, value};
}

/** Median of `runs` timings, after one run to warm caches (its time is reported apart). */
async function timed(work: () => Promise<unknown>, runs = 5): Promise<{cold: number; median: number}> {
	const cold = (await time(work)).ms;
	const times: number[] = [];
	for (let run = 0; run < runs; run++) {
		times.push((await time(work)).ms);
	}

	times.sort((a, b) => a - b);
	return {cold, median: times[Math.floor(times.length / 2)]!};
}

const ms = (value: number) => `${value.toFixed(value < 10 ? 2 : 0).padStart(7)} ms`;

function line(label: string, figures: {cold: number; median: number}, baseline?: number): void {
	const ratio = baseline === undefined ? '' : `  (${(figures.median / baseline).toFixed(2)}× a full count)`;
	console.log(`  ${label.padEnd(46)} ${ms(figures.median)} median, ${ms(figures.cold)} first${ratio}`);
}

async function until(check: () => boolean, what: string, timeoutMs = 60_000): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (!check()) {
		if (Date.now() > deadline) {
			throw new Error(`the console never showed ${what}`);
		}

		await new Promise(resolve => setTimeout(resolve, 1));
	}
}

async function queries(httpHooks: HttpHooks): Promise<void> {
	const {models} = httpHooks;
	const full = await timed(async () => countCallbacks(models, {}), 3);
	console.log(`  ${'COUNT(*) of every callback (never on open)'.padEnd(46)} ${ms(full.median)} median, ${ms(full.cold)} first`);
	const top = (await pageCallbacks(models, {}, {limit: 1})).rows[0]!.id;
	const page = async (filter: CallbackFilter) => pageCallbacks(models, filter, {limit: 100});
	line('first page, 100 newest (callbacks screen)', await timed(async () => page({})), full.median);
	line('first page, status error', await timed(async () => page({status: 'error'})), full.median);
	line('first page, status waiting', await timed(async () => page({status: 'waiting'})), full.median);
	line('page 5,000 rows down (keyset, id < …)', await timed(async () => pageCallbacks(models, {}, {limit: 100, beforeId: top - 5000})), full.median);
	line('refresh: newer than the top + visible rows', await timed(async () => Promise.all([newerCallbacks(models, {}, top), pageCallbacks(models, {}, {limit: 30, beforeId: top + 1})])), full.median);
	line('countByHook: waiting/error per hook (hooks)', await timed(async () => countByHook(models)), full.median);
	line('search "bench-hook-2" (LIKE, scans until found)', await timed(async () => page({search: 'bench-hook-2'}), 3), full.median);
	line('search with no match (LIKE, full scan)', await timed(async () => page({search: 'no such text'}), 1), full.median);
}

async function screens(source: ConsoleSource): Promise<void> {
	const mounted = performance.now();
	const ui = render(createElement(App, {source, location: 'bench', refreshMs: 600_000, theme: createTheme({})}));
	Object.defineProperty(ui.stdout, 'rows', {value: 35, configurable: true});
	ui.stdout.emit('resize');
	const frame = () => ui.lastFrame() ?? '';
	const selected = () => /^› +(\d+) /m.exec(frame())?.[1];
	try {
		await until(() => frame().includes('bench-hook-3') && frame().includes('? help'), 'the hooks');
		console.log(`  ${'start: hooks screen with its counts, rendered'.padEnd(46)} ${ms(performance.now() - mounted)}`);

		const pressed = performance.now();
		ui.stdin.write('3');
		await until(() => selected() === String(rows), 'the newest callback');
		console.log(`  ${'open the callbacks screen: newest rows shown'.padEnd(46)} ${ms(performance.now() - pressed)}`);
		await until(() => new RegExp(`Callback ${rows} · \\w+ · `).test(frame()), 'its details');
		console.log(`  ${'… and the detail pane of the first row'.padEnd(46)} ${ms(performance.now() - pressed)}`);

		const moves: number[] = [];
		for (let move = 0; move < 150; move++) {
			const before = selected();
			const started = performance.now();
			ui.stdin.write('j');
			await until(() => selected() !== before, 'the cursor move');
			moves.push(performance.now() - started);
		}

		moves.sort((a, b) => a - b);
		console.log(`  ${'cursor down (j), 150 moves over 2 pages'.padEnd(46)} ${ms(moves[75]!)} median, ${ms(moves.at(-1)!)} slowest (a page load)`);
	} finally {
		ui.unmount();
	}
}

async function bench(dialect: Dialect): Promise<void> {
	const database = await createTestDatabase(dialect);
	try {
		database.sequelize.define('Pet', {name: DataTypes.STRING});
		const httpHooks = await connectHttpHooks(database.sequelize);
		for (let hook = 1; hook <= hookCount; hook++) {
			await httpHooks.createHook({name: `bench-hook-${hook}`, model: 'Pet', signals: ['afterCreate'], targetUrl: `http://127.0.0.1:9/hooks/${hook}`});
		}

		const seeded = await time(async () => seed(database.sequelize, dialect));
		console.log(`${dialect}: ${rows.toLocaleString('en-US')} callbacks seeded in ${(seeded.ms / 1000).toFixed(1)} s (multi-row INSERTs of ${batch})`);
		await queries(httpHooks);
		await screens(new ConsoleSource(httpHooks, database.sequelize));
	} finally {
		await database.close();
	}
}

export async function run(): Promise<void> {
	await bench('sqlite');
	if (postgresUrl) {
		await bench('postgres');
	} else {
		console.log('postgres: skipped (set HTTP_HOOKS_TEST_PG to measure it too)');
	}
}
