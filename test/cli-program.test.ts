import {spawnSync} from 'node:child_process';
import {chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import test from 'ava';
import {commands} from '../cli/commands/index.js';
import {connectHttpHooks} from '../source/index.js';
import {createTestDatabase} from './helpers/database.js';
import {daysAgo, insertCallbacks, repoRoot, runHooks} from './helpers/run-cli.js';

const operations = ['monitor-callbacks', 'delete-old-callbacks', 'list-hooks', 'list-callbacks', 'resend', 'cancel'];
const kebab = (name: string) => name.replaceAll(/[A-Z]/g, letter => `-${letter.toLowerCase()}`);
const escape = (text: string) => text.replaceAll(/[.*+?^${}()|[\]\\]/g, '\\$&');

test('hooks --help lists every command with its summary', async t => {
	const {code, stdout} = await runHooks(['--help']);
	t.is(code, 0);
	for (const command of commands) {
		t.regex(stdout, new RegExp(`^ {2}${command.name} +${escape(command.summary)}$`, 'm'));
	}

	t.true(operations.every(name => commands.some(command => command.name === name)));
	t.regex(stdout, /monitor-callbacks uses the monitoring-plugin codes: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN/);
});

test('hooks <command> --help shows the usage, every flag and examples', async t => {
	const results = await Promise.all(operations.map(async name => runHooks([name, '--help'])));
	for (const [index, name] of operations.entries()) {
		const {code, stdout} = results[index]!;
		const command = commands.find(candidate => candidate.name === name)!;
		t.is(code, 0);
		t.true(stdout.startsWith(`Usage: hooks ${command.usage}\n`), stdout);
		for (const [flag, spec] of Object.entries(command.flags)) {
			t.regex(stdout, new RegExp(`^ {2}--${kebab(flag)} +${escape(spec.description)}$`, 'm'));
		}

		t.regex(stdout, /\nExamples:\n {2}\$ hooks /);
	}
});

test('an unknown flag is a usage error: exit 2, nothing on stdout', async t => {
	const results = await Promise.all([
		runHooks(['monitor-callbacks', '--status', 'error', '--bogus']),
		runHooks(['delete-old-callbacks', '3', '--dryrun']),
		runHooks(['list-hooks', '--verbose']),
		runHooks(['list-callbacks', '--state', 'error']),
	]);
	for (const [index, result] of results.entries()) {
		t.is(result.code, 2, operations[index]);
		t.is(result.stdout, '');
		t.regex(result.stderr, /Unknown flag/);
	}
});

test('list-callbacks: a bad status or number is a usage error naming the value', async t => {
	const [status, limit, hookId] = await Promise.all([
		runHooks(['list-callbacks', '--status', 'failed']),
		runHooks(['list-callbacks', '--limit', '0']),
		runHooks(['list-callbacks', '--hook-id', 'pets']),
	]);
	t.deepEqual([status.code, limit.code, hookId.code], [2, 2, 2]);
	t.true(status.stderr.startsWith('Status "failed" is not one of waiting, sending, sent, error, cancelled\n'), status.stderr);
	t.true(limit.stderr.startsWith('--limit must be a whole number from 1 to 100000, got "0"\n'), limit.stderr);
	t.true(hookId.stderr.startsWith('--hook-id must be a whole number from 1 to 9007199254740991, got "pets"\n'), hookId.stderr);
});

test('an unreachable or unusable database: exit 3, one line, no stack trace', async t => {
	const directory = mkdtempSync(path.join(os.tmpdir(), 'http-hooks-cli-'));
	try {
		const refused = 'postgres://nobody:secret-password@127.0.0.1:1/app';
		const empty = path.join(directory, 'empty.sqlite');
		writeFileSync(empty, '');
		const missing = path.join(directory, 'missing.sqlite');
		const [monitor, monitorJson, list, remove, unsupported, unmigrated, fromEnvironment, absent] = await Promise.all([
			runHooks(['monitor-callbacks', '--status', 'error', '--database-url', refused]),
			runHooks(['monitor-callbacks', '--status', 'error', '--json', '--database-url', refused]),
			runHooks(['list-hooks', '--database-url', refused]),
			runHooks(['delete-old-callbacks', '30', '--database-url', refused]),
			runHooks(['list-callbacks', '--database-url', 'mssql://root@127.0.0.1/app']),
			runHooks(['monitor-callbacks', '--status', 'waiting', '--database-url', empty]),
			runHooks(['list-hooks'], {DATABASE_URL: refused}),
			runHooks(['list-callbacks', '--database-url', missing]),
		]);

		// The monitor answers where a monitoring system reads: one UNKNOWN line on stdout.
		t.is(monitor.code, 3);
		t.regex(monitor.stdout, /^CALLBACKS UNKNOWN - Cannot connect to the database postgres:\/\/nobody:\*\*\*@127\.0\.0\.1:1\/app: .*ECONNREFUSED.*\n$/);
		t.is(monitor.stderr, '');
		t.like(JSON.parse(monitorJson.stdout), {level: 'unknown'});
		t.is(monitorJson.code, 3);
		t.is(unmigrated.code, 3);
		t.regex(unmigrated.stdout, /^CALLBACKS UNKNOWN - The database .*empty\.sqlite lacks the library's tables .*run `hooks migrate` first\n$/);

		for (const result of [list, remove, unsupported, fromEnvironment, absent]) {
			t.is(result.code, 3, result.stderr);
			t.is(result.stdout, '');
			t.is(result.stderr.split('\n').length, 2, result.stderr);
			t.notRegex(result.stderr, /\n\s+at /);
			t.false(result.stderr.includes('secret-password'));
		}

		t.regex(list.stderr, /^Cannot connect to the database postgres:\/\/nobody:\*\*\*@127\.0\.0\.1:1\/app: /);
		t.regex(fromEnvironment.stderr, /^Cannot connect to the database postgres:\/\/nobody:\*\*\*@/);
		t.regex(unsupported.stderr, /"mssql:\/\/root@127\.0\.0\.1\/app" is not supported: use postgres:\/\/…, mysql:\/\/…, mariadb:\/\/…/);
		t.regex(absent.stderr, /^There is no database file .*missing\.sqlite: run `hooks migrate` to create it/);
		t.false(existsSync(missing), 'no empty database file is left behind');
	} finally {
		rmSync(directory, {recursive: true, force: true});
	}
});

test('a directory as the database: exit 3, one line naming the path', async t => {
	const directory = mkdtempSync(path.join(os.tmpdir(), 'http-hooks-cli-'));
	try {
		// SQLite cannot open a directory; the driver then never settled and the program exited 13, silent.
		const results = await Promise.all([
			runHooks(['list-hooks', '--database-url', directory]),
			runHooks(['migrate', '--database-url', `sqlite:${directory}`]),
			runHooks(['send-callbacks', '--database-url', directory]),
		]);
		for (const result of results) {
			t.is(result.code, 3, result.stderr);
			t.is(result.stdout, '');
			t.is(result.stderr, `The database path ${directory} is a directory, not a SQLite file: give the file's path with --database-url\n`);
		}
	} finally {
		rmSync(directory, {recursive: true, force: true});
	}
});

// Root writes files whatever their mode, so a read-only database is made immutable (chattr +i),
// which binds root too; other users get a plain read-only mode.
const root = process.getuid?.() === 0;
function makeReadOnly(target: string, readOnly: boolean): boolean {
	if (root) {
		return spawnSync('chattr', [readOnly ? '+i' : '-i', target]).status === 0;
	}

	chmodSync(target, readOnly ? (statSync(target).isDirectory() ? 0o555 : 0o444) : (statSync(target).isDirectory() ? 0o755 : 0o644));
	return true;
}

const canMakeReadOnly = (() => {
	const probe = mkdtempSync(path.join(os.tmpdir(), 'http-hooks-probe-'));
	const works = makeReadOnly(probe, true);
	makeReadOnly(probe, false);
	rmSync(probe, {recursive: true, force: true});
	return works;
})();

(canMakeReadOnly ? test : test.skip)(`a read-only database file or directory: exit 3, one line naming the file${canMakeReadOnly ? '' : ' (needs chattr as root)'}`, async t => {
	const database = await createTestDatabase('sqlite');
	const file = database.url;
	const directory = path.dirname(file);
	try {
		const httpHooks = await connectHttpHooks(database.sequelize);
		await insertCallbacks(httpHooks.models, 2, {targetUrl: 'http://127.0.0.1:9/hooks'});
		await insertCallbacks(httpHooks.models, 2, {status: 'sent', createdAt: daysAgo(10)});
		await database.sequelize.close();

		t.true(makeReadOnly(file, true));
		const [send, remove, list] = await Promise.all([
			runHooks(['send-callbacks', '--database-url', file]),
			runHooks(['delete-old-callbacks', '1', '--database-url', file]),
			runHooks(['list-callbacks', '--database-url', file]),
		]);
		for (const result of [send, remove]) {
			t.is(result.code, 3, result.stderr);
			t.is(result.stdout, '');
			t.is(result.stderr, `Cannot write the database file ${file} (SQLITE_READONLY): the file and its directory must be writable by this user\n`);
		}

		t.is(list.code, 0, 'reading a read-only database still works');
		t.true(makeReadOnly(file, false));

		// A writable file in a read-only directory: SQLite cannot create its journal beside it.
		t.true(makeReadOnly(directory, true));
		const inDirectory = await runHooks(['delete-old-callbacks', '1', '--database-url', file]);
		t.is(inDirectory.code, 3, inDirectory.stderr);
		t.regex(inDirectory.stderr, new RegExp(`^Cannot write the database file ${escape(file)} \\(SQLITE_\\w+\\): the file and its directory must be writable by this user\\n$`));
	} finally {
		makeReadOnly(directory, false);
		makeReadOnly(file, false);
		await database.close();
	}
});

test('hooks --version, -v and version print the package version, from source and from the build', async t => {
	t.timeout(10 * 60_000);
	const {version} = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as {version: string};
	const fromSource = await Promise.all([['--version'], ['-v'], ['version']].map(async args => runHooks(args)));
	for (const result of fromSource) {
		t.is(result.code, 0, result.stderr);
		t.is(result.stdout, `${version}\n`);
	}

	// The build as `npm run build` makes it, into a directory of its own beside the package.json.
	const build = mkdtempSync(path.join(repoRoot, '.test-build-'));
	try {
		const tsc = path.join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc');
		const compiled = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json', '--outDir', build], {cwd: repoRoot, encoding: 'utf8'});
		t.true(existsSync(path.join(build, 'cli', 'hooks.js')), compiled.stdout);
		for (const argument of ['--version', '-v', 'version']) {
			const run = spawnSync(process.execPath, [path.join(build, 'cli', 'hooks.js'), argument], {cwd: os.tmpdir(), encoding: 'utf8'});
			t.is(run.status, 0, run.stderr);
			t.is(run.stdout, `${version}\n`);
		}
	} finally {
		rmSync(build, {recursive: true, force: true});
	}
});
