import {spawn} from 'node:child_process';
import {randomBytes} from 'node:crypto';
import {startReceiver} from '../fixtures/receiver.js';
import {watchForReload} from '../source/capture/reload-watcher.js';
import {migrate, registerHttpHooks} from '../source/index.js';
import {openDatabase} from '../source/store/open-database.js';
import type {ExecutionContext} from 'ava';
import type {HttpHooks} from '../source/index.js';
import {defineAppModels, type AppModels} from './helpers/app.js';
import type {TestDatabase} from './helpers/database.js';
import {callbacksOf, eventually} from './helpers/callbacks.js';
import {allDialects, dialectTest} from './helpers/dialect-test.js';
import {appWithHook, verifySignature} from './helpers/delivery.js';
import {hooksArgs, repoRoot} from './helpers/run-cli.js';
import {startTcpProxy} from './helpers/tcp-proxy.js';

const url = 'http://127.0.0.1:9/hooks';
// Changes reach every process within about 2 s; the waits are generous for a busy machine.
const bound = 15_000;

const secret = () => `whsec_${randomBytes(24).toString('base64')}`;

dialectTest('plain SQL that leaves updated_at alone (template, URL, enabled) reaches another process', async (t, database) => {
	const other = database.open();
	await defineAppModels(database.sequelize);
	const {Pet} = await defineAppModels(other);
	const first = await registerHttpHooks(database.sequelize);
	const second = await registerHttpHooks(other);
	try {
		await changesInPlainSql(database, first, second, Pet);
		t.pass();
	} finally {
		await second.close();
		await first.close();
	}
}, {dialects: allDialects});

async function changesInPlainSql(database: TestDatabase, first: HttpHooks, second: HttpHooks, Pet: AppModels['Pet']) {
	await first.createHook({name: 'pets', model: 'Pet', signals: ['afterCreate'], targetUrl: url, contentType: 'application/json', payloadTemplate: '{"v": 1}'});
	const latest = async () => (await callbacksOf(second)).at(-1);
	await eventually(async () => {
		await Pet.create({name: 'probe'});
		return (await latest())?.json?.v === 1 ? true : undefined;
	}, bound, 'the hook working in the other process');

	const sql = async (statement: string, replacements: Record<string, unknown>) => database.sequelize.query(statement, {replacements});
	await sql('UPDATE http_hooks SET payload_template = :template', {template: '{"v": 2}'});
	await eventually(async () => {
		await Pet.create({name: 'probe'});
		return (await latest())?.json?.v === 2 ? true : undefined;
	}, bound, 'the new template in the other process');

	await sql('UPDATE http_hooks SET target_url = :target', {target: `${url}/moved`});
	await eventually(async () => {
		await Pet.create({name: 'probe'});
		return (await latest())?.targetUrl === `${url}/moved` ? true : undefined;
	}, bound, 'the new URL in the other process');

	await sql('UPDATE http_hooks SET enabled = :off', {off: false});
	await eventually(async () => {
		const before = await second.models.Callback.count();
		await Pet.create({name: 'probe'});
		return await second.models.Callback.count() === before ? true : undefined;
	}, bound, 'the disabled hook stopping in the other process');
}

dialectTest('a failed reload is tried again until it works, whatever its error says', async (t, database) => {
	await migrate(database.sequelize);
	const warnings: string[] = [];
	let calls = 0;
	let failing = true;
	let reloaded = 0;
	const watcher = await watchForReload(database.sequelize, async () => {
		calls++;
		if (failing) {
			// The first words of an error once taken for "the app closed its instance".
			throw new Error('Connection closed by the server');
		}

		reloaded++;
	}, {intervalMs: 50, warn: message => warnings.push(message)});
	try {
		await database.sequelize.query('UPDATE http_hooks_state SET version = version + 1 WHERE id = 1');
		await eventually(async () => calls >= 2 ? true : undefined, bound, 'the reload tried again after failing');
		t.regex(warnings[0] ?? '', /could not reload hooks \(1 try\); trying again in 1 s/);
		failing = false;
		await eventually(async () => reloaded > 0 ? true : undefined, bound, 'the reload done once the error went away');
		t.regex(warnings.at(-1) ?? '', /hooks reloaded again after \d+ failed tries/);
		t.true(warnings.length < calls + 1, 'not a warning for every try');
	} finally {
		await watcher.stop();
	}
}, {dialects: allDialects});

dialectTest('after a database outage, a change made meanwhile is picked up', async (t, database) => {
	await defineAppModels(database.sequelize);
	const first = await registerHttpHooks(database.sequelize);
	try {
		await outage(t, database, first);
	} finally {
		await first.close();
	}
}, {dialects: allDialects});

async function outage(t: ExecutionContext, database: TestDatabase, first: HttpHooks) {
	const hook = await first.createHook({name: 'pets', model: 'Pet', signals: ['afterCreate'], targetUrl: url, contentType: 'application/json', payloadTemplate: '{"v": 1}'});
	const warnings: string[] = [];
	if (database.dialect !== 'sqlite') {
		const server = new URL(database.url);
		const proxy = await startTcpProxy(server.hostname, Number(server.port || (database.dialect === 'postgres' ? 5432 : 3306)));
		const other = openDatabase(proxy.url(database.url), {pool: {max: 2, acquire: 2000}});
		const {Pet} = await defineAppModels(other);
		const second = await registerHttpHooks(other, {migrate: false, logger: {warn: message => warnings.push(message)}});
		try {
			proxy.setMode('refuse');
			proxy.cut();
			await eventually(async () => warnings.some(message => /could not reload hooks/.test(message)) ? true : undefined, bound, 'a failed reload');
			await first.updateHook(hook.id, {payloadTemplate: '{"v": 2}'});
			proxy.setMode('pass');
			await eventually(async () => {
				await Pet.create({name: 'probe'}).catch(() => undefined);
				return (await callbacksOf(first)).at(-1)?.json?.v === 2 ? true : undefined;
			}, 60_000, 'the change made during the outage');
			t.pass();
		} finally {
			await second.close();
			await other.close();
			await proxy.close();
		}

		return;
	}

	// SQLite: another connection holds the write lock longer than the watcher waits for it.
	const other = database.open();
	const {Pet} = await defineAppModels(other);
	const second = await registerHttpHooks(other, {migrate: false, sqliteBusyTimeoutMs: 50, logger: {warn: message => warnings.push(message)}});
	try {
		const locker = database.open();
		await locker.query('BEGIN EXCLUSIVE');
		await locker.query('UPDATE http_hooks SET payload_template = :template', {replacements: {template: '{"v": 2}'}});
		await eventually(async () => warnings.some(message => /could not reload hooks/.test(message)) ? true : undefined, bound, 'a failed reload');
		await locker.query('COMMIT');
		await eventually(async () => {
			await Pet.create({name: 'probe'});
			return (await callbacksOf(second)).at(-1)?.json?.v === 2 ? true : undefined;
		}, 60_000, 'the change made while the database was locked');
		t.pass();
	} finally {
		await second.close();
	}
}

dialectTest('a secret rotated in plain SQL signs the next callback a running send-callbacks --watch sends', async (t, database) => {
	const receiver = await startReceiver();
	const oldSecret = secret();
	const newSecret = secret();
	// The app migrates the database first: a sender started on an empty file would exit at once.
	const setup = await appWithHook(t, database, {targetUrl: receiver.url, secret: oldSecret});
	const child = spawn(process.execPath, await hooksArgs(['send-callbacks', '--watch', '--database-url', database.url]), {cwd: repoRoot, stdio: ['ignore', 'ignore', 'pipe']});
	let stderr = '';
	child.stderr.on('data', chunk => {
		stderr += String(chunk);
	});
	const exited = new Promise(resolve => child.on('exit', resolve));
	try {
		await setup.app.Owner.create({name: 'Ann'});
		const [first] = await receiver.waitFor(1, 60_000);
		t.true(verifySignature(first!.headers, first!.body, oldSecret), stderr);

		await database.sequelize.query('UPDATE http_hooks SET secret = :secret, previous_secret = NULL, previous_secret_expires_at = NULL', {replacements: {secret: newSecret}});
		await setup.app.Owner.create({name: 'Bob'});
		const requests = await receiver.waitFor(2, bound);
		const second = requests[1]!;
		t.true(verifySignature(second.headers, second.body, newSecret), 'signed with the secret set in SQL');
		t.false(verifySignature(second.headers, second.body, oldSecret));
	} finally {
		child.kill('SIGTERM');
		await exited;
		await receiver.close();
	}
}, {dialects: allDialects});
