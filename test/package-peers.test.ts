import {execFile} from 'node:child_process';
import {mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import test from 'ava';
import {repoRoot} from './helpers/run-cli.js';

type Run = {code: number; stdout: string; stderr: string};

/**
 * This repository as an app would have it without some packages: the programs' sources and a
 * node_modules of links to every installed package but those. Node runs it with
 * --preserve-symlinks, so each package resolves its own imports from here and finds the hidden
 * ones nowhere: Sequelize's `require('pg')` fails as it does in an app without pg.
 */
function appWithout(hidden: string[]): string {
	const directory = mkdtempSync(path.join(os.tmpdir(), 'http-hooks-without-'));
	for (const entry of ['cli', 'source', 'package.json']) {
		symlinkSync(path.join(repoRoot, entry), path.join(directory, entry));
	}

	mkdirSync(path.join(directory, 'node_modules'));
	for (const name of readdirSync(path.join(repoRoot, 'node_modules'))) {
		if (!hidden.includes(name) && name !== '.bin') {
			symlinkSync(path.join(repoRoot, 'node_modules', name), path.join(directory, 'node_modules', name));
		}
	}

	return directory;
}

async function run(directory: string, program: string, args: string[]): Promise<Run> {
	const {DATABASE_URL: _ignored, ...environment} = process.env;
	return new Promise(resolve => {
		const child = execFile(process.execPath, ['--preserve-symlinks', '--preserve-symlinks-main', '--import', 'tsx', program, ...args], {cwd: directory, env: environment}, (error, stdout, stderr) => {
			resolve({code: error ? Number((error as {code?: number}).code) : 0, stdout, stderr});
		});
		child.stdin?.end();
	});
}

test('without pg, a PostgreSQL URL is one line naming the driver and its install, exit 3', async t => {
	const app = appWithout(['pg']);
	try {
		const {code, stdout, stderr} = await run(app, 'cli/hooks-bin.ts', ['list-hooks', '--database-url', 'postgres://nobody@127.0.0.1:1/none']);
		t.is(code, 3, stderr);
		t.is(stdout, '');
		t.is(stderr, 'The package pg is not installed (the PostgreSQL driver): run `npm install pg` in the app\'s directory\n');
	} finally {
		rmSync(app, {recursive: true, force: true});
	}
});

test('without sqlite3, a SQLite database is one line naming the driver, exit 3', async t => {
	const app = appWithout(['sqlite3']);
	try {
		const {code, stderr} = await run(app, 'cli/hooks-bin.ts', ['migrate', '--database-url', path.join(app, 'app.sqlite')]);
		t.is(code, 3, stderr);
		t.is(stderr, 'The package sqlite3 is not installed (the SQLite driver): run `npm install sqlite3` in the app\'s directory\n');
	} finally {
		rmSync(app, {recursive: true, force: true});
	}
});

test('without Sequelize, both programs say so in one line, exit 3', async t => {
	const app = appWithout(['sequelize']);
	try {
		for (const program of ['cli/hooks-bin.ts', 'cli/hooks-tui-bin.ts']) {
			const {code, stdout, stderr} = await run(app, program, [...program.includes('tui') ? [] : ['list-hooks'], '--database-url', 'postgres://nobody@127.0.0.1:1/none']);
			t.is(code, 3, `${program}: ${stderr}`);
			t.is(stdout, '');
			t.is(stderr, 'The package sequelize is not installed (Sequelize, a peer dependency of sequelize-http-hooks): run `npm install sequelize` in the app\'s directory\n', program);
		}
	} finally {
		rmSync(app, {recursive: true, force: true});
	}
});

test('without Ink and React, the library and hooks-tui\'s help and snapshot work: only drawing needs them', async t => {
	const app = appWithout(['ink', 'react', 'ink-testing-library']);
	try {
		const help = await run(app, 'cli/hooks-tui-bin.ts', ['--help']);
		t.is(help.code, 0, help.stderr);
		t.regex(help.stdout, /Usage: hooks-tui/);

		// The app's side: registering needs neither.
		const database = path.join(app, 'app.sqlite');
		const script = `import {Sequelize} from 'sequelize'; import {registerHttpHooks} from './source/index.ts';
			const sequelize = new Sequelize({dialect: 'sqlite', storage: ${JSON.stringify(database)}, logging: false});
			const httpHooks = await registerHttpHooks(sequelize); await httpHooks.close(); await sequelize.close(); console.log('registered');`;
		const registered = await new Promise<Run>(resolve => {
			execFile(process.execPath, ['--preserve-symlinks', '--import', 'tsx', '--input-type=module', '--eval', script], {cwd: app}, (error, stdout, stderr) => {
				resolve({code: error ? Number((error as {code?: number}).code) : 0, stdout, stderr});
			});
		});
		t.is(registered.stdout, 'registered\n', registered.stderr);

		const snapshot = await run(app, 'cli/hooks-tui-bin.ts', ['--database-url', database]);
		t.is(snapshot.code, 0, snapshot.stderr);
		t.regex(snapshot.stdout, /^Hooks \(0\)/);
	} finally {
		rmSync(app, {recursive: true, force: true});
	}
});

test('the package\'s manifest: Sequelize a peer, drivers and the console\'s packages optional peers, all devDependencies here', t => {
	const manifest = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as {
		dependencies: Record<string, string>; devDependencies: Record<string, string>;
		peerDependencies: Record<string, string>; peerDependenciesMeta: Record<string, {optional?: boolean}>;
	};
	for (const name of ['sequelize', 'pg', 'sqlite3', 'mysql2', 'mariadb', 'ink', 'react']) {
		t.false(name in manifest.dependencies, `${name} is not a dependency`);
		t.truthy(manifest.peerDependencies[name], `${name} is a peer`);
		t.is(manifest.peerDependenciesMeta[name]?.optional, name === 'sequelize' ? undefined : true, `${name} optional or not`);
	}

	for (const name of ['sequelize', 'pg', 'sqlite3', 'ink', 'react']) {
		t.truthy(manifest.devDependencies[name], `${name} is installed for the demo and the tests`);
	}
});
