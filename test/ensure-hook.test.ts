import {execFile} from 'node:child_process';
import {randomBytes} from 'node:crypto';
import {pathToFileURL} from 'node:url';
import path from 'node:path';
import {connectHttpHooks, InvalidHookError, InvalidSignalError, registerHttpHooks, type HttpHooks} from '../source/index.js';
import {defineAppModels} from './helpers/app.js';
import {allDialects, dialectTest} from './helpers/dialect-test.js';
import {repoRoot} from './helpers/run-cli.js';
import type {TestDatabase} from './helpers/database.js';

const secret = () => `whsec_${randomBytes(24).toString('base64')}`;
const declared = {name: 'pets', model: 'Pet', signals: ['afterCreate'], targetUrl: 'http://127.0.0.1:9/pets'};

async function appOn(database: TestDatabase): Promise<HttpHooks> {
	await defineAppModels(database.sequelize);
	return registerHttpHooks(database.sequelize);
}

dialectTest('ensureHook creates once, then reports unchanged, then updates what the code changed', async (t, database) => {
	const httpHooks = await appOn(database);
	try {
		const created = await httpHooks.ensureHook({...declared, rateLimit: 5});
		t.is(created.outcome, 'created');
		t.like(created.hook, {name: 'pets', model: 'Pet', signals: ['afterCreate'], targetUrl: declared.targetUrl, rateLimit: 5, enabled: true});

		const again = await httpHooks.ensureHook({...declared, rateLimit: 5});
		t.is(again.outcome, 'unchanged');
		t.deepEqual(again.changes, []);
		t.is(again.hook.id, created.hook.id);
		t.is(again.hook.revision, created.hook.revision, 'an unchanged hook is not written');

		// A field left out takes its default, as in createHook: the code is the truth.
		const moved = await httpHooks.ensureHook({...declared, targetUrl: 'http://127.0.0.1:9/moved', signals: ['afterUpdate', 'afterCreate']});
		t.is(moved.outcome, 'updated');
		t.deepEqual(moved.changes.map(change => change.field), ['signals', 'targetUrl', 'rateLimit']);
		t.like(moved.changes[2], {from: 5, to: null});
		t.like(await httpHooks.getHook(created.hook.id), {targetUrl: 'http://127.0.0.1:9/moved', signals: ['afterCreate', 'afterUpdate'], rateLimit: null});
		t.is((await httpHooks.listHooks()).length, 1);

		// The name is matched trimmed, as the validator stores it.
		t.is((await httpHooks.ensureHook({...declared, name: '  pets ', targetUrl: 'http://127.0.0.1:9/moved', signals: ['afterCreate', 'afterUpdate']})).outcome, 'unchanged');
	} finally {
		await httpHooks.close();
	}
}, {dialects: allDialects});

dialectTest('ensureHook keeps enabled and the secrets when not given; a new secret rotates', async (t, database) => {
	const httpHooks = await appOn(database);
	try {
		const first = secret();
		const {hook} = await httpHooks.ensureHook({...declared, secret: first});
		await httpHooks.setHookEnabled(hook.id, false);
		const restart = await httpHooks.ensureHook(declared);
		t.is(restart.outcome, 'unchanged', 'an operator\'s disable and the secret survive a restart');
		t.like(restart.hook, {enabled: false, secret: first});

		t.is((await httpHooks.ensureHook({...declared, enabled: true})).outcome, 'updated');
		const second = secret();
		const rotated = await httpHooks.ensureHook({...declared, secret: second});
		t.is(rotated.outcome, 'updated');
		t.deepEqual(rotated.changes.map(change => change.field), ['secret', 'previousSecret', 'previousSecretExpiresAt']);
		t.true(rotated.changes.every(change => change.secret));
		t.like(rotated.hook, {secret: second, previousSecret: first});
		const expires = new Date(rotated.hook.previousSecretExpiresAt!).getTime();
		t.true(Math.abs(expires - (Date.now() + 86_400_000)) < 60_000, 'the old secret signs for another day');
		t.is((await httpHooks.ensureHook({...declared, secret: second})).outcome, 'unchanged', 'the same secret again is no change');

		const unsigned = await httpHooks.ensureHook({...declared, secret: null});
		t.like(unsigned.hook, {secret: null, previousSecret: null, previousSecretExpiresAt: null});
	} finally {
		await httpHooks.close();
	}
}, {dialects: allDialects});

dialectTest('ensureHook validates exactly as createHook; a bad declaration writes nothing', async (t, database) => {
	const httpHooks = await appOn(database);
	try {
		const bad: Array<Record<string, unknown>> = [
			{...declared, targetUrl: 'ftp://127.0.0.1/x'},
			{...declared, model: 'Nope'},
			{...declared, signals: ['orders.unknown']},
			{...declared, rateLimit: -1},
			{...declared, retryDelays: [5, 'x']},
			{...declared, payloadTemplate: '{"id": {{instance.nope}}}'},
			{...declared, condition: {toString: () => 'true'}},
			{...declared, name: ''},
			{...declared, name: {toString: () => 'pets'}},
			{...declared, headers: 'no colon here'},
			{...declared, secret: 'whsec_short'},
		];
		for (const input of bad) {
			const viaCreate = await t.throwsAsync(httpHooks.createHook(input as never));
			const viaEnsure = await t.throwsAsync(httpHooks.ensureHook(input as never));
			t.is(viaEnsure?.message, viaCreate?.message, JSON.stringify(input, (_key, value: unknown) => typeof value === 'function' ? 'fn' : value));
			t.is(viaEnsure?.constructor, viaCreate?.constructor);
		}

		for (const input of [null, 'pets', ['pets'], 42]) {
			await t.throwsAsync(httpHooks.ensureHook(input as never), {instanceOf: InvalidHookError, message: /ensureHook needs the hook's fields \(an object\)/});
		}

		t.is((await httpHooks.listHooks()).length, 0);

		// Two hooks of one name (made by createHook): hooks as code cannot tell which is meant.
		const a = await httpHooks.createHook(declared);
		const b = await httpHooks.createHook(declared);
		await t.throwsAsync(httpHooks.ensureHook(declared), {instanceOf: InvalidHookError, message: `2 hooks are named "pets" (ids ${a.id}, ${b.id}): hooks as code match by name; rename or delete all but one`});
	} finally {
		await httpHooks.close();
	}
}, {dialects: allDialects});

dialectTest('ensureHook from many handles at once (each its own connection) leaves one hook', async (t, database) => {
	const httpHooks = await appOn(database);
	const others = await Promise.all(Array.from({length: 4}, async () => connectHttpHooks(database.open(), {migrate: false})));
	try {
		// Ten names, each ensured by all five handles at once: many chances for two to interleave.
		const names = Array.from({length: 10}, (_, index) => `pets ${index}`);
		const results = await Promise.all(names.flatMap(name => [httpHooks, ...others].map(async handle => handle.ensureHook({...declared, name, maxInFlight: 3}))));
		for (const name of names) {
			const mine = results.filter(result => result.hook.name === name);
			t.deepEqual(mine.map(result => result.outcome).sort(), ['created', 'unchanged', 'unchanged', 'unchanged', 'unchanged'], name);
			t.is(new Set(mine.map(result => result.hook.id)).size, 1);
		}

		t.is((await httpHooks.listHooks()).length, names.length);
	} finally {
		await Promise.all(others.map(async handle => handle.close()));
		await httpHooks.close();
	}
}, {dialects: allDialects});

/** A separate Node.js process that opens the database, waits for `startAt` and ensures the hook. */
async function ensureInChild(url: string, startAt: number): Promise<{outcome: string; id: number}> {
	const module = (file: string) => JSON.stringify(pathToFileURL(path.join(repoRoot, file)).href);
	const script = [
		`const {openDatabase} = await import(${module('source/store/open-database.ts')});`,
		`const {connectHttpHooks} = await import(${module('source/index.ts')});`,
		`const sequelize = openDatabase(${JSON.stringify(url)});`,
		'const httpHooks = await connectHttpHooks(sequelize, {migrate: false});',
		`await new Promise(resolve => setTimeout(resolve, Math.max(0, ${startAt} - Date.now())));`,
		`const {outcome, hook} = await httpHooks.ensureHook(${JSON.stringify(declared)});`,
		'process.stdout.write(JSON.stringify({outcome, id: hook.id}));',
		'await httpHooks.close();',
		'await sequelize.close();',
	].join('\n');
	return new Promise((resolve, reject) => {
		execFile(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {cwd: repoRoot}, (error, stdout, stderr) => {
			if (error) {
				reject(new Error(`child failed: ${stderr}`));
			} else {
				resolve(JSON.parse(stdout) as {outcome: string; id: number});
			}
		});
	});
}

dialectTest('ensureHook racing in two processes: one creates, the other finds it', async (t, database) => {
	const httpHooks = await appOn(database);
	try {
		// Both start their ensureHook at the same moment, once both have connected (a generous delay for a busy machine).
		const startAt = Date.now() + 8000;
		const results = await Promise.all([ensureInChild(database.url, startAt), ensureInChild(database.url, startAt)]);
		t.deepEqual(results.map(result => result.outcome).sort(), ['created', 'unchanged']);
		t.is(results[0]!.id, results[1]!.id);
		t.is((await httpHooks.listHooks()).length, 1);
	} finally {
		await httpHooks.close();
	}
}, {dialects: allDialects});

dialectTest('deleteSignal: refused naming the hooks while used; built-in and unknown names refused', async (t, database) => {
	const httpHooks = await appOn(database);
	try {
		await httpHooks.createSignal('orders.shipped');
		const hook = await httpHooks.ensureHook({...declared, signals: ['orders.shipped', 'afterCreate']});
		await t.throwsAsync(httpHooks.deleteSignal('orders.shipped'), {instanceOf: InvalidSignalError, message: `Signal "orders.shipped" is used by hook "pets" (id ${hook.hook.id}): change or delete it first`});
		t.true((await httpHooks.listSignals()).some(signal => signal.name === 'orders.shipped'), 'still there');

		await t.throwsAsync(httpHooks.deleteSignal('afterCreate'), {instanceOf: InvalidSignalError, message: 'Signal "afterCreate" is built in and cannot be deleted'});
		await t.throwsAsync(httpHooks.deleteSignal('orders.nope'), {instanceOf: InvalidSignalError, message: 'No signal named "orders.nope"'});
		await t.throwsAsync(httpHooks.deleteSignal({toString: () => 'orders.shipped'} as never), {instanceOf: InvalidSignalError});

		await httpHooks.ensureHook(declared);
		await httpHooks.deleteSignal('orders.shipped');
		t.false((await httpHooks.listSignals()).some(signal => signal.name === 'orders.shipped'));
		t.deepEqual((await httpHooks.getHook(hook.hook.id)).signals, ['afterCreate']);
	} finally {
		await httpHooks.close();
	}
}, {dialects: allDialects});
