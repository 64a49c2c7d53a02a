// monitor-callbacks and delete-old-callbacks over a million callbacks, on SQLite and (with
// HTTP_HOOKS_TEST_PG) PostgreSQL: wall time and peak RSS of the real `hooks` child process,
// built to JavaScript as it is published, next to the program's own start-up (`hooks --help`)
// measured in the same run, and the library call alone, in-process.
// BENCH_OPERATIONS_ROWS makes the table smaller for a quick look.
import {rmSync} from 'node:fs';
import path from 'node:path';
import {QueryTypes, type Sequelize} from 'sequelize';
import {connectHttpHooks} from '../source/index.js';
import {createTestDatabase, postgresUrl, type Dialect} from '../test/helpers/database.js';
import {buildInto, measureNode, type MeasuredRun} from './child-process.js';

const rows = Number(process.env['BENCH_OPERATIONS_ROWS'] ?? 1_000_000);
// Callbacks of the last 50 minutes, which a clean-up keeps and a 10-minute monitor window sees part of.
const recent = 10_000;

type Run = MeasuredRun;

/** How to start the program: node arguments before the command's own. */
type Program = {label: string; argv: string[]};

/** The programs compiled as published, in a temporary directory. */
function build(): {program: Program; remove(): void} {
	const directory = buildInto('http-hooks-bench-build-');
	return {program: {label: 'built', argv: [path.join(directory, 'cli', 'hooks.js')]}, remove: () => rmSync(directory, {recursive: true, force: true})};
}

const fromSources: Program = {label: 'tsx', argv: ['--import', 'tsx', 'cli/hooks.ts']};

async function hooks(program: Program, args: string[]): Promise<Run> {
	return measureNode([...program.argv, ...args]);
}

// Seeded in SQL: `rows` callbacks 31 to 89 days old (1 in 20 error, 1 in 20 waiting, the rest
// sent), one attempt each, and `recent` callbacks of the last 50 minutes (1 in 10 error).
async function seed(sequelize: Sequelize, dialect: Dialect): Promise<void> {
	const base = Date.now() / 1000;
	const columns = 'hook_name, model, object_id, event_type, webhook_id, target_url, http_method, content_type, headers, payload, status, status_details, attempts, created_at, updated_at';
	const common = `'bench hook', 'Pet', i, 'created', 'msg_' || i, 'http://127.0.0.1:9/hooks', 'POST', 'application/json', '{}', '{"id": ' || i || '}'`;
	const oldStatus = 'CASE WHEN i % 20 = 0 THEN \'error\' WHEN i % 20 = 1 THEN \'waiting\' ELSE \'sent\' END';
	const recentStatus = 'CASE WHEN i % 10 = 0 THEN \'error\' ELSE \'sent\' END';
	if (dialect === 'sqlite') {
		// The text format Sequelize writes for DATE columns on SQLite, so comparisons hold.
		const at = (seconds: string) => `strftime('%Y-%m-%d %H:%M:%f', ${base}, 'unixepoch', '-' || (${seconds}) || ' seconds') || ' +00:00'`;
		const series = (count: number) => `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${count})`;
		await sequelize.query(`${series(rows)} INSERT INTO http_callbacks (${columns})
			SELECT ${common}, ${oldStatus}, 'status_code:200', 1, ${at('2678400 + i * 5')}, ${at('2678340 + i * 5')} FROM n`);
		await sequelize.query(`${series(recent)} INSERT INTO http_callbacks (${columns})
			SELECT ${common}, ${recentStatus}, 'status_code:200', 1, ${at('i * 0.3')}, ${at('i * 0.3')} FROM n`);
	} else {
		const at = (seconds: string) => `to_timestamp(${base}) - (${seconds}) * interval '1 second'`;
		await sequelize.query(`INSERT INTO http_callbacks (${columns})
			SELECT ${common}, ${oldStatus}, 'status_code:200', 1, ${at('2678400 + i * 5')}, ${at('2678340 + i * 5')} FROM generate_series(1, ${rows}) AS i`);
		await sequelize.query(`INSERT INTO http_callbacks (${columns})
			SELECT ${common}, ${recentStatus}, 'status_code:200', 1, ${at('i * 0.3')}, ${at('i * 0.3')} FROM generate_series(1, ${recent}) AS i`);
	}

	await sequelize.query(`INSERT INTO http_callback_attempts (callback_id, attempt, started_at, duration_ms, status_code)
		SELECT id, 1, created_at, 12, 200 FROM http_callbacks`);
	// What autovacuum does on a live database: statistics and the visibility map for index-only scans.
	await sequelize.query(dialect === 'postgres' ? 'VACUUM ANALYZE' : 'ANALYZE');
}

async function count(sequelize: Sequelize, table: string): Promise<number> {
	const [row] = await sequelize.query<{n: number | string}>(`SELECT COUNT(*) AS n FROM ${table}`, {type: QueryTypes.SELECT});
	return Number(row!.n);
}

function line(label: string, run: Run, startup: Run): void {
	const ratio = run.seconds / startup.seconds;
	console.log(`  ${label.padEnd(44)} ${run.seconds.toFixed(2).padStart(7)} s  (${ratio.toFixed(1)}× start-up)  peak RSS ${run.peakMiB.toFixed(0).padStart(4)} MiB  exit ${run.code}  ${run.stdout.split('\n')[0]!.slice(0, 90)}`);
}

async function bench(dialect: Dialect, program: Program): Promise<void> {
	const db = await createTestDatabase(dialect);
	try {
		const httpHooks = await connectHttpHooks(db.sequelize);
		const started = performance.now();
		await seed(db.sequelize, dialect);
		const total = await count(db.sequelize, 'http_callbacks');
		console.log(`${dialect}: ${total} callbacks and ${await count(db.sequelize, 'http_callback_attempts')} attempts seeded in ${((performance.now() - started) / 1000).toFixed(1)} s`);

		const url = ['--database-url', db.url];
		const startup = await hooks(program, ['--help']);
		console.log(`  ${'hooks --help (start-up alone)'.padEnd(44)} ${startup.seconds.toFixed(2).padStart(7)} s  peak RSS ${startup.peakMiB.toFixed(0).padStart(4)} MiB`);
		for (const args of [
			['--status', 'error', '--minutes-ago', '10', '--callbacks-limit', '100'],
			['--status', 'error'],
			['--status', 'waiting', '--critical', '1000'],
		]) {
			line(`monitor-callbacks ${args.join(' ')}`, await hooks(program, ['monitor-callbacks', ...args, ...url]), startup);
		}

		// Each query twice, the second (warm) time reported.
		const time = async (status: 'error' | 'waiting', minutesAgo?: number) => {
			await httpHooks.monitorCallbacks({status, minutesAgo});
			const begin = performance.now();
			const {count: found} = await httpHooks.monitorCallbacks({status, minutesAgo});
			return `${(performance.now() - begin).toFixed(1)} ms (${found})`;
		};

		console.log(`  library monitorCallbacks alone: error in the last 10 min ${await time('error', 10)}, error in total ${await time('error')}, waiting in total ${await time('waiting')}`);

		line('delete-old-callbacks 30 --dry-run', await hooks(program, ['delete-old-callbacks', '30', '--dry-run', ...url]), startup);
		const deletion = await hooks(program, ['delete-old-callbacks', '30', '--json', ...url]);
		line('delete-old-callbacks 30', deletion, startup);
		const {deleted} = JSON.parse(deletion.stdout) as {deleted: number};
		console.log(`  deleted ${deleted} callbacks (${(deleted / deletion.seconds).toFixed(0)} per second); left: ${await count(db.sequelize, 'http_callbacks')} callbacks, ${await count(db.sequelize, 'http_callback_attempts')} attempts`);
		await httpHooks.close();
	} finally {
		await db.close();
	}
}

export async function run(): Promise<void> {
	console.log(`${rows} old callbacks (31 to 89 days) + ${recent} of the last 50 minutes; the CLI built to JavaScript (as published).`);
	const built = build();
	try {
		const [compiled, sources] = [await hooks(built.program, ['--help']), await hooks(fromSources, ['--help'])];
		console.log(`start-up, hooks --help: built ${compiled.seconds.toFixed(2)} s, ${compiled.peakMiB.toFixed(0)} MiB; from the sources through tsx ${sources.seconds.toFixed(2)} s, ${sources.peakMiB.toFixed(0)} MiB`);
		await bench('sqlite', built.program);
		if (postgresUrl) {
			await bench('postgres', built.program);
		} else {
			console.log('postgres: skipped (set HTTP_HOOKS_TEST_PG=postgres://… to measure it too)');
		}
	} finally {
		built.remove();
	}
}
