import {randomBytes} from 'node:crypto';
import {mkdtempSync, readFileSync, statSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import test from 'ava';
import {registerHttpHooks, type HttpHooks} from '../source/index.js';
import {documentHook} from '../source/hooks/hook-document.js';
import {defineAppModels} from './helpers/app.js';
import {createTestDatabase, type TestDatabase} from './helpers/database.js';
import {dialectTest} from './helpers/dialect-test.js';
import {runHooks} from './helpers/run-cli.js';

const secret = `whsec_${randomBytes(24).toString('base64')}`;

/** A database where the app has registered its models (what the CLI validates hooks against). */
async function registeredApp(database: TestDatabase): Promise<HttpHooks> {
	await defineAppModels(database.sequelize);
	return registerHttpHooks(database.sequelize);
}

/** The hooks as a document holds them: what must survive an export and an import. */
async function portable(httpHooks: HttpHooks) {
	return (await httpHooks.listHooks()).map(hook => documentHook(hook, true));
}

dialectTest('create, update, enable, disable and delete hooks; delete-signal refused while used', async (t, database) => {
	const httpHooks = await registeredApp(database);
	const url = ['--database-url', database.url];
	try {
		await httpHooks.createSignal('pets.adopted');
		const created = await runHooks(['create-hook', '--name', 'adoptions', '--model', 'Pet', '--signals', 'afterCreate,pets.adopted', '--signals', 'afterUpdate',
			'--target-url', 'http://127.0.0.1:9/adopt', '--http-method', 'put', '--headers', 'X-Env: test\nX-Team: pets', '--content-type', 'application/json',
			'--payload-template', '{"id": {{instance.id}}}', '--condition', 'instance.age > 1', '--rate-limit', '2.5', '--max-in-flight', '3',
			'--max-attempts', '4', '--retry-delays', '1000,60000', '--ordered', 'true', '--secret', secret, '--json', ...url]);
		t.is(created.code, 0, created.stderr);
		const {id} = JSON.parse(created.stdout) as {id: number};
		t.like(JSON.parse(created.stdout), {name: 'adoptions', signed: true});
		t.false(created.stdout.includes(secret), 'the secret is never printed');
		t.like(await httpHooks.getHook(id), {
			name: 'adoptions', model: 'Pet', signals: ['afterCreate', 'afterUpdate', 'pets.adopted'], targetUrl: 'http://127.0.0.1:9/adopt', httpMethod: 'PUT',
			headers: 'X-Env: test\nX-Team: pets', payloadTemplate: '{"id": {{instance.id}}}', condition: 'instance.age > 1', rateLimit: 2.5, maxInFlight: 3,
			maxAttempts: 4, retryDelays: [1000, 60_000], ordered: true, secret, enabled: true,
		});

		const updated = await runHooks(['update-hook', '--hook-id', String(id), '--target-url', 'http://127.0.0.1:9/v2', '--rate-limit', 'none', '--condition', '', ...url]);
		t.is(updated.code, 0, updated.stderr);
		t.is(updated.stdout, `Updated hook ${id} "adoptions": targetUrl, condition, rateLimit\n`);
		t.like(await httpHooks.getHook(id), {targetUrl: 'http://127.0.0.1:9/v2', rateLimit: null, condition: null, maxInFlight: 3, secret});

		const disabled = await runHooks(['disable', '--hook-id', String(id), ...url]);
		t.is(disabled.stdout, `Hook ${id} "adoptions" disabled\n`);
		t.false((await httpHooks.getHook(id)).enabled);
		t.is((await runHooks(['disable', '--hook-id', String(id), ...url])).stdout, `Hook ${id} "adoptions" was disabled already\n`);
		t.is((await runHooks(['enable', '--hook-id', String(id), ...url])).code, 0);
		t.true((await httpHooks.getHook(id)).enabled);

		for (const command of ['update-hook', 'enable', 'disable', 'delete-hook']) {
			const missing = await runHooks([command, '--hook-id', '99', ...(command === 'update-hook' ? ['--name', 'x'] : []), ...url]);
			t.is(missing.code, 1, `${command}: ${missing.stderr}`);
			t.regex(missing.stderr, /No hook with id "?99"?/, command);
		}

		const used = await runHooks(['delete-signal', 'pets.adopted', ...url]);
		t.is(used.code, 1);
		t.is(used.stderr, `InvalidSignalError: Signal "pets.adopted" is used by hook "adoptions" (id ${id}): change or delete it first\n`);

		const deleted = await runHooks(['delete-hook', '--hook-id', String(id), ...url]);
		t.is(deleted.code, 0, deleted.stderr);
		t.is(deleted.stdout, `Deleted hook ${id} "adoptions"\n`);
		t.is((await runHooks(['delete-signal', 'pets.adopted', ...url])).code, 0);
		t.false((await httpHooks.listSignals()).some(signal => signal.name === 'pets.adopted'));
	} finally {
		await httpHooks.close();
	}
});

test('create-hook and update-hook: a bad value is exit 2 naming the value; nothing is written', async t => {
	const database = await createTestDatabase('sqlite');
	const httpHooks = await registeredApp(database);
	const url = ['--database-url', database.url];
	try {
		// meow refuses a flag given twice: each case gives its own values.
		const create = (fields: Record<string, string>) => ['create-hook', ...Object.entries({name: 'n', model: 'Pet', signals: 'afterCreate', 'target-url': 'http://127.0.0.1:9/x', ...fields}).flatMap(([flag, value]) => [`--${flag}`, value])];
		const cases: Array<[string[], RegExp]> = [
			[['create-hook', '--name', 'n', '--model', 'Pet', '--target-url', 'http://127.0.0.1:9/x'], /A hook needs at least one signal/],
			[create({'rate-limit': 'fast'}), /--rate-limit must be a number such as 20 or 0\.5, or none, got "fast"/],
			[create({'max-attempts': '0'}), /--max-attempts must be a whole number from 1 to 1000, got "0"/],
			[create({'retry-delays': '1000,-5'}), /--retry-delays \(entry 2\) must be a whole number from 0 to \d+, got "-5"/],
			[create({ordered: 'maybe'}), /--ordered must be true or false, got "maybe"/],
			[create({'target-url': 'ftp://127.0.0.1/x'}), /Target URL "ftp:\/\/127\.0\.0\.1\/x" must use http or https/],
			[create({model: 'Unicorn'}), /Model "Unicorn" is not known; known models: /],
			[create({condition: 'instance.nope == 1'}), /Condition "instance\.nope == 1" reads/],
			[['update-hook', '--hook-id', '1'], /Nothing to change/],
			[['update-hook', '--target-url', 'http://x'], /--hook-id N is required/],
			[['update-hook', '--hook-id', 'abc', '--name', 'x'], /--hook-id must be a whole number from 1 to \d+, got "abc"/],
			[['delete-signal'], /Give the name of the signal to delete/],
		];
		for (const [args, message] of cases) {
			const result = await runHooks([...args, ...url]);
			t.is(result.code, 2, `${args.join(' ')}: ${result.stderr}`);
			t.regex(result.stderr, message, args.join(' '));
		}

		t.is((await httpHooks.listHooks()).length, 0);
		const help = await runHooks(['create-hook', '--help']);
		for (const flag of ['--condition', '--rate-limit', '--max-in-flight', '--max-attempts', '--retry-delays', '--ordered', '--secret', '--previous-secret', '--payload-template']) {
			t.true(help.stdout.includes(flag), `create-hook --help lists ${flag}`);
		}

		const global = await runHooks(['--help']);
		for (const command of ['create-hook', 'update-hook', 'enable', 'disable', 'delete-hook', 'delete-signal', 'export-hooks', 'import-hooks']) {
			t.regex(global.stdout, new RegExp(`\\n  ${command} +\\S`), command);
		}
	} finally {
		await httpHooks.close();
		await database.close();
	}
});

dialectTest('export-hooks, then import-hooks into a fresh database reproduces the hooks; again, nothing changes', async (t, database) => {
	const source = await registeredApp(database);
	const fresh = await createTestDatabase(database.dialect);
	const target = await registeredApp(fresh);
	const directory = mkdtempSync(path.join(os.tmpdir(), 'http-hooks-export-'));
	try {
		await source.createSignal('pets.adopted');
		await source.createHook({name: 'adoptions', model: 'Pet', signals: ['pets.adopted'], targetUrl: 'http://127.0.0.1:9/a', secret, rateLimit: 0.5, retryDelays: [5000], condition: 'instance.age > 1'});
		const plain = await source.createHook({name: 'owners', model: 'Owner', signals: ['afterCreate', 'afterUpdate'], targetUrl: 'http://127.0.0.1:9/o', contentType: 'application/xml', payloadTemplate: '<o id="{{instance.id}}"/>', headers: 'X-Env: prod', maxInFlight: 2, maxAttempts: 3, ordered: true});
		await source.setHookEnabled(plain.id, false);

		const exported = await runHooks(['export-hooks', '--database-url', database.url]);
		t.is(exported.code, 0, exported.stderr);
		const document = JSON.parse(exported.stdout) as {format: string; signals: string[]; hooks: Array<Record<string, unknown>>};
		t.is(document.format, 'sequelize-http-hooks/hooks@1');
		t.deepEqual(document.signals, ['pets.adopted']);
		t.false(exported.stdout.includes(secret), 'no secret without --include-secrets');
		t.like(document.hooks[0], {name: 'adoptions', signed: true, rateLimit: 0.5});
		t.false('secret' in document.hooks[0]!);

		const file = path.join(directory, 'hooks.json');
		const withSecrets = await runHooks(['export-hooks', '--include-secrets', '--output', file, '--database-url', database.url]);
		t.is(withSecrets.code, 0, withSecrets.stderr);
		t.is(withSecrets.stdout, '');
		t.is(statSync(file).mode & 0o777, 0o600, 'a file with secrets is its owner\'s only');
		t.true(readFileSync(file, 'utf8').includes(secret));

		const dry = await runHooks(['import-hooks', file, '--dry-run', '--database-url', fresh.url]);
		t.is(dry.code, 0, dry.stderr);
		t.is(dry.stdout, '+ signal "pets.adopted"\n+ hook "adoptions"\n+ hook "owners"\nWould import: 2 created, 0 updated, 0 unchanged, 1 signal created (dry run: nothing changed)\n');
		t.is((await target.listHooks()).length, 0, 'the dry run changed nothing');

		const imported = await runHooks(['import-hooks', file, '--database-url', fresh.url]);
		t.is(imported.code, 0, imported.stderr);
		t.regex(imported.stdout, /Imported: 2 created, 0 updated, 0 unchanged, 1 signal created\n$/);
		t.deepEqual(await portable(target), await portable(source), 'every field, secrets and enabled included');

		const again = await runHooks(['import-hooks', '-', '--json', '--database-url', fresh.url], {input: readFileSync(file, 'utf8')});
		t.is(again.code, 0, again.stderr);
		t.like(JSON.parse(again.stdout), {dryRun: false, created: 0, updated: 0, unchanged: 2, signalsCreated: []});

		// A change in the file: the diff names the field, old and new; --dry-run leaves it.
		const changed = JSON.parse(readFileSync(file, 'utf8')) as typeof document;
		changed.hooks[1]!['targetUrl'] = 'http://127.0.0.1:9/o2';
		changed.hooks[0]!['secret'] = `whsec_${randomBytes(24).toString('base64')}`;
		delete changed.hooks[0]!['previousSecret'];
		delete changed.hooks[0]!['previousSecretExpiresAt'];
		writeFileSync(file, JSON.stringify(changed));
		const diff = await runHooks(['import-hooks', file, '--dry-run', '--database-url', fresh.url]);
		t.is(diff.code, 0, diff.stderr);
		t.regex(diff.stdout, /~ hook "adoptions" \(id \d+\)\n {4}secret: changed\n {4}previousSecret: changed\n {4}previousSecretExpiresAt: changed\n/);
		t.regex(diff.stdout, /~ hook "owners" \(id \d+\)\n {4}targetUrl: "http:\/\/127\.0\.0\.1:9\/o" → "http:\/\/127\.0\.0\.1:9\/o2"\n/);
		t.false(diff.stdout.includes('whsec_'), 'secret values never appear in the diff');
		t.deepEqual(await portable(target), await portable(source), 'the dry run changed nothing');
	} finally {
		await target.close();
		await source.close();
		await fresh.close();
	}
});

test('import-hooks: bad JSON, an unknown field, a bad value are exit 2 naming them; one bad hook and nothing changes', async t => {
	const database = await createTestDatabase('sqlite');
	const httpHooks = await registeredApp(database);
	const directory = mkdtempSync(path.join(os.tmpdir(), 'http-hooks-import-'));
	const good = {name: 'pets', model: 'Pet', signals: ['afterCreate'], targetUrl: 'http://127.0.0.1:9/p'};
	try {
		const cases: Array<[string, RegExp]> = [
			['{"hooks": [', /"[^"]*bad\.json" is not valid JSON: /],
			['[]', /must be a JSON object with "hooks"/],
			[JSON.stringify({hooks: [good], extra: 1}), /has an unknown field "extra"/],
			[JSON.stringify({format: 'other@9', hooks: []}), /has format "other@9"; this version reads "sequelize-http-hooks\/hooks@1"/],
			[JSON.stringify({hooks: [{...good, bogus: true}]}), /hooks\[0\]\.bogus is not a hook field/],
			[JSON.stringify({hooks: [{...good, rateLimit: 'fast'}]}), /hooks\[0\]\.rateLimit must be a number or null, got "fast"/],
			[JSON.stringify({hooks: [{...good, headers: {'X-A': '1'}}]}), /hooks\[0\]\.headers must be text or null, got "\{\\"X-A\\":\\"1\\"\}"/],
			[JSON.stringify({hooks: [{...good, name: undefined}]}), /hooks\[0\]\.name is missing/],
			[JSON.stringify({hooks: [good, good]}), /hooks\[1\]\.name "pets" appears twice/],
			[JSON.stringify({signals: ['afterCreate'], hooks: []}), /signals: "afterCreate" is not a custom signal name/],
			[JSON.stringify({hooks: [good, {...good, name: 'bad', targetUrl: 'ftp://x'}]}), /hooks\[1\] \("bad"\): Target URL "ftp:\/\/x" must use http or https/],
			[JSON.stringify({hooks: [good, {...good, name: 'big', maxAttempts: 1e9}]}), /hooks\[1\] \("big"\): maxAttempts must be a whole number from 1 to 1000, got "1000000000"/],
		];
		const file = path.join(directory, 'bad.json');
		for (const [text, message] of cases) {
			writeFileSync(file, text);
			const result = await runHooks(['import-hooks', file, '--database-url', database.url]);
			t.is(result.code, 2, `${text}: ${result.stderr}`);
			t.regex(result.stderr, message, text);
		}

		t.is((await httpHooks.listHooks()).length, 0, 'nothing was written, not even the good hooks');
		const missing = await runHooks(['import-hooks', path.join(directory, 'nope.json'), '--database-url', database.url]);
		t.is(missing.code, 2);
		t.regex(missing.stderr, /Cannot read ".*nope\.json": ENOENT/);
	} finally {
		await httpHooks.close();
		await database.close();
	}
});
