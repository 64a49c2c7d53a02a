import {spawnSync} from 'node:child_process';
import {chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import test from 'ava';
import {commands} from '../cli/commands/index.js';
import {connectHttpHooks} from '../source/index.js';
import {createTestDatabase} from './helpers/database.js';
import {appWithHook} from './helpers/delivery.js';
import {dialectTest} from './helpers/dialect-test.js';
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
		const command = await commands.find(candidate => candidate.name === name)!.load();
		t.is(code, 0);
		t.true(stdout.startsWith(`Usage: hooks ${command.usage}\n`), stdout);
		for (const [flag, spec] of Object.entries(command.flags)) {
			// A flag that takes a value shows a placeholder for it: `--hook-id N`.
			const placeholder = spec.type === 'boolean' ? '' : ` ${escape(spec.placeholder ?? 'VALUE')}`;
			t.regex(stdout, new RegExp(`^ {2}--${kebab(flag)}${placeholder} +${escape(spec.description)}$`, 'm'));
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
	// The flag most likely meant, when one is close, and where the flags are listed.
	const expected = [
		'Unknown flag --bogus\nRun `hooks monitor-callbacks --help` for the flags.\n',
		'Unknown flag --dryrun: did you mean --dry-run?\nRun `hooks delete-old-callbacks --help` for the flags.\n',
		'Unknown flag --verbose\nRun `hooks list-hooks --help` for the flags.\n',
		'Unknown flag --state: did you mean --status?\nRun `hooks list-callbacks --help` for the flags.\n',
	];
	for (const [index, result] of results.entries()) {
		t.is(result.code, 2, operations[index]);
		t.is(result.stdout, '');
		t.is(result.stderr, expected[index]!);
	}
});

test('an unknown flag or command names what was most likely meant', async t => {
	const [prefix, swapped, value, short, command, far, control] = await Promise.all([
		runHooks(['send-callbacks', '--hook', '3']),
		runHooks(['send-callbacks', '--concurency', '3']),
		runHooks(['list-callbacks', '--serach=pets']),
		runHooks(['stats', '-x']),
		runHooks(['sned-callbacks']),
		runHooks(['frobnicate']),
		runHooks(['list-hooks', '--js\u001Bon']),
	]);
	t.is(prefix.stderr, 'Unknown flag --hook: did you mean --hook-id?\nRun `hooks send-callbacks --help` for the flags.\n');
	t.is(swapped.stderr, 'Unknown flag --concurency: did you mean --concurrency?\nRun `hooks send-callbacks --help` for the flags.\n');
	t.is(value.stderr, 'Unknown flag --serach: did you mean --search?\nRun `hooks list-callbacks --help` for the flags.\n');
	t.is(short.stderr, 'Unknown flag -x\nRun `hooks stats --help` for the flags.\n');
	t.true(command.stderr.startsWith('Unknown command "sned-callbacks": did you mean `hooks send-callbacks`?\n'), command.stderr);
	t.true(far.stderr.startsWith('Unknown command "frobnicate".\n'), far.stderr);
	t.is(control.stderr, 'Unknown flag --js\\x1bon: did you mean --json?\nRun `hooks list-hooks --help` for the flags.\n', 'a control character is shown escaped');
	for (const result of [prefix, swapped, value, short, command, far, control]) {
		t.is(result.code, 2);
		t.is(result.stdout, '');
	}
});

test('help shows a placeholder after every flag that takes a value', async t => {
	const {stdout} = await runHooks(['send-callbacks', '--help']);
	t.regex(stdout, /^ {2}--hook-id N +Only callbacks of this hook/m);
	t.regex(stdout, /^ {2}--database-url URL +Database URL/m);
	t.regex(stdout, /^ {2}--allow-network CIDR +With --block-private-networks/m);
	t.regex(stdout, /^ {2}--watch +Keep running/m, 'a switch takes no value');
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
			runHooks(['list-hooks'], {env: {DATABASE_URL: refused}}),
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
	const {version} = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as {version: string};
	const fromSource = await Promise.all([['--version'], ['-v'], ['version']].map(async args => runHooks(args, {fromSource: true})));
	for (const result of fromSource) {
		t.is(result.code, 0, result.stderr);
		t.is(result.stdout, `${version}\n`);
	}

	// The build as `npm run build` makes it (beside the package.json), run from another directory.
	for (const argument of ['--version', '-v', 'version']) {
		const run = await runHooks([argument], {cwd: os.tmpdir()});
		t.is(run.code, 0, run.stderr);
		t.is(run.stdout, `${version}\n`);
	}
});

dialectTest('--hook-id of a hook that does not exist is exit 1 naming it, in every command that takes it', async (t, database) => {
	const {hookId} = await appWithHook(t, database, {targetUrl: 'http://127.0.0.1:9/owners'});
	const taking = (await Promise.all(commands.map(async entry => entry.load()))).filter(command => 'hookId' in command.flags);
	t.deepEqual(taking.map(command => command.name).sort(), ['cancel', 'delete-hook', 'disable', 'enable', 'list-callbacks', 'preview', 'resend', 'send-callbacks', 'stats', 'update-hook']);
	const extra: Record<string, string[]> = {preview: ['--record', '1'], 'update-hook': ['--target-url', 'http://127.0.0.1:9/other']};
	const results = await Promise.all(taking.map(async ({name}) => runHooks([name, '--hook-id', '99', ...extra[name] ?? [], '--database-url', database.url])));
	for (const [index, result] of results.entries()) {
		const {name} = taking[index]!;
		t.is(result.code, 1, `${name}: ${result.stderr}`);
		t.is(result.stderr, 'HttpHooksError: No hook with id "99"\n', name);
		t.is(result.stdout, '', name);
	}

	// The hook that exists is fine: nothing to send, nothing listed.
	const existing = await runHooks(['send-callbacks', '--hook-id', String(hookId), '--database-url', database.url]);
	t.is(existing.code, 0, existing.stderr);
	t.regex(existing.stdout, /^Nothing to send/);
});
