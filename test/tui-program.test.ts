import {existsSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import test from 'ava';
import {registerHttpHooks} from '../source/index.js';
import {defineAppModels} from './helpers/app.js';
import {dialectTest} from './helpers/dialect-test.js';
import {runHooksTui} from './helpers/run-cli.js';

dialectTest('without a terminal it says so and prints a snapshot of hooks and callbacks, exit 0', async (t, database) => {
	const {Pet} = await defineAppModels(database.sequelize);
	const app = await registerHttpHooks(database.sequelize);
	try {
		await app.createHook({name: 'pets', model: 'Pet', signals: ['afterCreate'], targetUrl: 'http://127.0.0.1:9/pets', secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'});
		await app.createHook({name: 'off', model: 'Pet', signals: ['afterUpdate'], targetUrl: 'http://127.0.0.1:9/off', enabled: false});
		await Pet.create({name: 'Rex'});
		await Pet.create({name: 'Max'});
		await app.models.Callback.update({status: 'error', statusDetails: 'status_code:500'}, {where: {id: 1}});

		const {code, stdout, stderr} = await runHooksTui(['--database-url', database.url]);
		t.is(code, 0, stderr);
		t.regex(stderr, /hooks-tui needs a terminal on stdin and stdout; printing a snapshot/);
		t.regex(stdout, /^Hooks \(2\)\n/);
		t.regex(stdout, /\n +1 +pets +Pet +afterCreate +enabled +1 +1 +POST http:\/\/127\.0\.0\.1:9\/pets\n/);
		t.regex(stdout, /\n +2 +off +Pet +afterUpdate +disabled +0 +0 +POST http:\/\/127\.0\.0\.1:9\/off\n/);
		t.regex(stdout, /Newest callbacks \(2\)\n/);
		t.regex(stdout, /\n +2 +\S+ \S+ +waiting +pets +created +0 *\n +1 +\S+ \S+ +error +pets +created +0 +status_code:500\n/);
		t.notRegex(stdout, /whsec_|\u001B\[/, 'no secret, no escape codes');
	} finally {
		await app.close();
	}
});

test('a database it cannot reach is one line on stderr, exit 3', async t => {
	const {code, stdout, stderr} = await runHooksTui(['--database-url', 'postgres://nobody@127.0.0.1:1/none']);
	t.is(code, 3);
	t.is(stdout, '');
	t.regex(stderr, /^Cannot connect to the database postgres:\/\/nobody@127\.0\.0\.1:1\/none: .+\n$/);
});

test('a database without the library\'s tables, or no database file, says to migrate, exit 3', async t => {
	const directory = mkdtempSync(path.join(os.tmpdir(), 'hooks-tui-'));
	try {
		const empty = path.join(directory, 'empty.sqlite');
		writeFileSync(empty, '');
		const {code, stderr} = await runHooksTui(['--database-url', empty]);
		t.is(code, 3);
		t.regex(stderr, /lacks the library's tables .* run `hooks migrate` first\n$/);
		const missing = await runHooksTui(['--database-url', path.join(directory, 'missing.sqlite')]);
		t.is(missing.code, 3);
		t.regex(missing.stderr, /^There is no database file .*missing\.sqlite: run `hooks migrate` to create it/);
		t.false(existsSync(path.join(directory, 'missing.sqlite')));
	} finally {
		rmSync(directory, {recursive: true, force: true});
	}
});

test('usage mistakes exit 2; --help exits 0', async t => {
	const unknown = await runHooksTui(['--databse-url', 'x.sqlite']);
	t.is(unknown.code, 2);
	t.regex(unknown.stderr, /Unknown flag/);
	const argument = await runHooksTui(['extra']);
	t.is(argument.code, 2);
	t.regex(argument.stderr, /hooks-tui takes no arguments, got "extra"/);
	const help = await runHooksTui(['--help']);
	t.is(help.code, 0);
	t.regex(help.stdout, /Usage: hooks-tui \[--database-url URL\]/);
});
