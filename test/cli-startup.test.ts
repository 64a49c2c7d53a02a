import {mkdtempSync, readFileSync, rmSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import test from 'ava';
import {commands} from '../cli/commands/index.js';
import {repoRoot, runHooks, runHooksTui} from './helpers/run-cli.js';

// What only talking to a database needs: the ORM, its drivers, migrations; and the console's UI.
const databaseCode = ['sequelize', 'pg', 'sqlite3', 'umzug', 'ink', 'react'];
const recorder = path.join(repoRoot, 'test', 'helpers', 'record-loads.mjs');

type Run = {code: number; stdout: string; stderr: string; loaded: string[]};

/** A built program (`hooks` unless told) with `args`; every module it loaded, as URLs. */
async function hooksLoading(args: string[], program: 'hooks' | 'hooksTui' = 'hooks'): Promise<Run> {
	const directory = mkdtempSync(path.join(os.tmpdir(), 'http-hooks-loads-'));
	const file = path.join(directory, 'loaded.txt');
	try {
		const options = {cwd: directory, env: {RECORD_LOADS_FILE: file}, nodeArgs: ['--import', recorder]};
		const run = await (program === 'hooks' ? runHooks(args, options) : runHooksTui(args, options));
		return {...run, loaded: readFileSync(file, 'utf8').split('\n').filter(Boolean)};
	} finally {
		rmSync(directory, {recursive: true, force: true});
	}
}

/** The packages of `databaseCode` among the loaded modules. */
function databasePackages(loaded: string[]): string[] {
	return databaseCode.filter(name => loaded.some(url => url.includes(`/node_modules/${name}/`)));
}

test('the recorder sees what a command that connects loads (the check below can fail)', async t => {
	const directory = mkdtempSync(path.join(os.tmpdir(), 'http-hooks-startup-'));
	try {
		const run = await hooksLoading(['migrate', '--database-url', path.join(directory, 'app.sqlite')]);
		t.is(run.code, 0, run.stderr);
		t.deepEqual(databasePackages(run.loaded), ['sequelize', 'sqlite3', 'umzug']);
		t.true(run.loaded.some(url => url.endsWith('/cli/commands/migrate.js')));
	} finally {
		rmSync(directory, {recursive: true, force: true});
	}
});

test('hooks --help, -v, a usage error and an unknown command load no database code', async t => {
	for (const [args, code] of [[['--help'], 0], [['-v'], 0], [[], 2], [['sned-callbacks'], 2], [['send-callbacks', '--concurrency', '0'], 2], [['list-callbacks', '--hook'], 2]] as const) {
		const run = await hooksLoading([...args]);
		t.is(run.code, code, `${args.join(' ')}: ${run.stderr}`);
		t.deepEqual(databasePackages(run.loaded), [], `hooks ${args.join(' ')}`);
		if (args[0] === '--help') {
			t.false(run.loaded.some(url => url.includes('/cli/commands/') && !url.endsWith('/index.js')), 'the commands\' modules are not loaded to list them');
		}
	}
});

test('every command\'s --help loads its own module and no database code', async t => {
	t.true(commands.length >= 10);
	for (const {name} of commands) {
		const run = await hooksLoading([name, '--help']);
		t.is(run.code, 0, run.stderr);
		t.true(run.stdout.startsWith(`Usage: hooks ${name}`), run.stdout);
		t.true(run.loaded.some(url => url.endsWith(`/cli/commands/${name}.js`)), name);
		t.deepEqual(databasePackages(run.loaded), [], `hooks ${name} --help`);
	}
});

test('hooks-tui --help and --version load neither the console\'s UI (Ink, React) nor database code', async t => {
	const {version} = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as {version: string};
	const help = await hooksLoading(['--help'], 'hooksTui');
	t.is(help.code, 0, help.stderr);
	t.regex(help.stdout, /Usage: hooks-tui \[--database-url URL\]/);
	t.deepEqual(databasePackages(help.loaded), [], 'hooks-tui --help');

	const shown = await hooksLoading(['--version'], 'hooksTui');
	t.is(shown.code, 0, shown.stderr);
	t.is(shown.stdout, `${version}\n`);
	t.deepEqual(databasePackages(shown.loaded), [], 'hooks-tui --version');
});
