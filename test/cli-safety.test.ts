import test from 'ava';
import {registerHttpHooks} from '../source/index.js';
import {defineAppModels} from './helpers/app.js';
import {dialectTest} from './helpers/dialect-test.js';
import {insertCallbacks, runHooks} from './helpers/run-cli.js';

// What a hostile hook editor or receiver could put where the programs print: a terminal title
// (OSC), a colour, a bidi override that reorders the line, a C1 CSI, a line break.
const evilName = 'evil\u001B]0;pwned\u0007\u001B[31mred\u202Eabc\u009B2J\nnext';
const evilNameShown = String.raw`evil\x1b]0;pwned\x07\x1b[31mred\u202eabc\x9b2J\nnext`;
const evilDetails = 'reset by \u001B]0;owned\u0007 peer';
const rawControl = /[\u0000-\u0009\u000B-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/;

const headers = [
	'X-Auth-Key: auth-key-value-1',
	'Ocp-Apim-Subscription-Key: 0123456789abcdef0123456789abcdef',
	'X-API-KEY: api-key-value-3',
	'api_key: api-key-value-4',
	'Authorization: Bearer bearer-value-5',
	'Cookie: session=cookie-value-6',
	'X-Session-Id: session-value-7',
	'X-Env: production',
].join('\n');
const secrets = ['auth-key-value-1', '0123456789abcdef0123456789abcdef', 'api-key-value-3', 'api-key-value-4', 'bearer-value-5', 'cookie-value-6', 'session-value-7', 'url-token-8', 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'];

async function hostileDatabase(db: Parameters<Parameters<typeof dialectTest>[1]>[1]) {
	await defineAppModels(db.sequelize);
	const httpHooks = await registerHttpHooks(db.sequelize, {reloadIntervalMs: 60_000});
	const hook = await httpHooks.createHook({
		name: 'plain', model: 'Pet', signals: ['afterCreate'], targetUrl: 'http://127.0.0.1:9/pets?token=url-token-8&lang=en',
		contentType: 'application/json', headers, secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
	});
	await httpHooks.close();
	// Hooks are also edited with plain SQL: the name is set as such an editor could.
	await httpHooks.models.Hook.update({name: evilName}, {where: {id: hook.id}});
	const [callbackId] = await insertCallbacks(httpHooks.models, 1, {
		hookId: hook.id, hookName: evilName, status: 'error', attempts: 8, statusDetails: `${evilDetails} at http://127.0.0.1:9/pets?token=url-token-8`,
		targetUrl: 'http://127.0.0.1:9/pets?token=url-token-8&lang=en', headers: JSON.stringify({'X-Auth-Key': 'auth-key-value-1', 'X-Env': 'production'}),
	});
	return {hook, callbackId: callbackId!};
}

dialectTest('list-hooks, list-callbacks and stats: control characters escaped, credentials masked; --json exact', async (t, db) => {
	const {hook} = await hostileDatabase(db);
	const run = async (...args: string[]) => runHooks([...args, '--database-url', db.url]);
	const [hooksTable, hooksJson, callbacksTable, callbacksJson, statsTable, statsJson] = await Promise.all([
		run('list-hooks'), run('list-hooks', '--json'), run('list-callbacks'), run('list-callbacks', '--json'), run('stats'), run('stats', '--json'),
	]);
	for (const [what, result] of Object.entries({hooksTable, callbacksTable, statsTable})) {
		t.is(result.code, 0, `${what}: ${result.stderr}`);
		t.notRegex(result.stdout, rawControl, `${what}: no raw control character`);
		t.true(result.stdout.includes(evilNameShown.slice(0, 20)), `${what}: the name shown escaped`);
		for (const secret of secrets) {
			t.false(result.stdout.includes(secret), `${what}: ${secret} not shown`);
		}
	}

	t.true(hooksTable.stdout.includes('?token=••••&lang=en'), 'the URL token masked, the rest kept');
	t.true(callbacksTable.stdout.includes(String.raw`reset by \x1b]0;owned\x07 peer`), 'status details escaped');

	for (const [what, result] of Object.entries({hooksJson, callbacksJson, statsJson})) {
		t.is(result.code, 0, `${what}: ${result.stderr}`);
		t.notRegex(result.stdout, rawControl, `${what}: JSON escapes every control character itself`);
		for (const secret of secrets) {
			t.false(result.stdout.includes(secret), `${what}: ${secret} not shown`);
		}
	}

	const [listed] = JSON.parse(hooksJson.stdout) as Array<{name: string; headers: string; targetUrl: string; signed: boolean}>;
	t.is(listed!.name, evilName, '--json keeps the name exact');
	t.is(listed!.targetUrl, 'http://127.0.0.1:9/pets?token=••••&lang=en');
	t.deepEqual(listed!.headers.split('\n'), [
		'X-Auth-Key: ••••', 'Ocp-Apim-Subscription-Key: ••••ef', 'X-API-KEY: ••••', 'api_key: ••••', 'Authorization: Bearer ••••',
		'Cookie: ••••', 'X-Session-Id: ••••', 'X-Env: production',
	]);
	t.true(listed!.signed);
	const {callbacks} = JSON.parse(callbacksJson.stdout) as {callbacks: Array<{hookName: string; statusDetails: string; targetUrl: string}>};
	t.is(callbacks[0]!.hookName, evilName);
	t.is(callbacks[0]!.statusDetails, `${evilDetails} at http://127.0.0.1:9/pets?token=••••`);
	const stats = JSON.parse(statsJson.stdout) as {hooks: Array<{hookId: number; hookName: string}>};
	t.is(stats.hooks.find(row => row.hookId === hook.id)!.hookName, evilName);

	// Asked for: the credentials as stored; the signing secret still never.
	const [shownHooks, shownCallbacks] = await Promise.all([run('list-hooks', '--json', '--show-secrets'), run('list-callbacks', '--json', '--show-secrets')]);
	const [revealed] = JSON.parse(shownHooks.stdout) as Array<{headers: string; targetUrl: string}>;
	t.is(revealed!.headers, headers);
	t.is(revealed!.targetUrl, 'http://127.0.0.1:9/pets?token=url-token-8&lang=en');
	t.false(shownHooks.stdout.includes('whsec_'));
	t.true(shownCallbacks.stdout.includes('url-token-8'));
});

dialectTest('error messages and the monitor line show user text escaped', async (t, db) => {
	await hostileDatabase(db);
	const osc = '\u001B]0;pwned\u0007';
	const [usage, monitor, monitorJson] = await Promise.all([
		runHooks(['list-callbacks', '--status', osc, '--database-url', db.url]),
		runHooks(['monitor-callbacks', '--status', `error${osc}\u202E`, '--database-url', db.url]),
		runHooks(['monitor-callbacks', '--status', `error${osc}\u202E`, '--json', '--database-url', db.url]),
	]);
	t.is(usage.code, 2);
	t.notRegex(usage.stderr, rawControl);
	t.true(usage.stderr.includes(String.raw`\u001b]0;pwned\u0007`) || usage.stderr.includes(String.raw`\x1b]0;pwned\x07`), usage.stderr);
	t.is(monitor.code, 3);
	t.regex(monitor.stdout, /^CALLBACKS UNKNOWN - /);
	t.notRegex(monitor.stdout, rawControl);
	t.true(monitor.stdout.includes(String.raw`\u202e`), monitor.stdout);
	t.notRegex(monitorJson.stdout, rawControl);
	t.is((JSON.parse(monitorJson.stdout) as {level: string}).level, 'unknown');
});

test('database URLs are printed without their password, in every form', async t => {
	const cases = [
		['postgres://app:hunter2@127.0.0.1:1/db', 'postgres://app:***@127.0.0.1:1/db'],
		['postgres://app@127.0.0.1:1/db?password=hunter2&sslmode=disable', 'postgres://app@127.0.0.1:1/db?password=***&sslmode=disable'],
		['postgres://:hunter2@127.0.0.1:1/db', 'postgres://:***@127.0.0.1:1/db'],
		['postgres://app:hun%40ter2@127.0.0.1:1/db', 'postgres://app:***@127.0.0.1:1/db'],
		['postgres://app:hun@ter2@127.0.0.1:1/db', 'postgres://app:***@127.0.0.1:1/db'],
		['postgres://app:hun/ter2@127.0.0.1:1/db', 'postgres://app:***@127.0.0.1:1/db'],
		['postgres://app:hunter2@[not-a-host/db', 'postgres://app:***@[not-a-host/db'],
		['postgres://app:hu%ZZnter2@127.0.0.1:1/db', 'postgres://app:***@127.0.0.1:1/db'],
	];
	const results = await Promise.all(cases.map(async ([url]) => runHooks(['list-hooks', '--database-url', url!])));
	for (const [index, [url, shown]] of cases.entries()) {
		const {code, stdout, stderr} = results[index]!;
		t.is(code, 3, url);
		t.false(`${stdout}${stderr}`.includes('hunter2'), `${url}: ${stderr}`);
		t.false(`${stdout}${stderr}`.includes('ter2'), `${url}: no part of the password: ${stderr}`);
		t.true(stderr.includes(shown!), `${url}: ${stderr}`);
	}
});
