import test from 'ava';
import {startReceiver, type Receiver} from '../fixtures/receiver.js';
import {parseHeaders} from '../source/index.js';
import {dialectTest} from './helpers/dialect-test.js';
import {appWithHook, attemptRows, callbackRows, type DeliveryApp} from './helpers/delivery.js';
import type {TestDatabase} from './helpers/database.js';

const reserved = ['Host', 'Content-Length', 'Transfer-Encoding', 'Connection', 'Upgrade', 'TE', 'Trailer', 'Keep-Alive', 'Proxy-Authorization', 'Proxy-Connection', 'webhook-id', 'webhook-timestamp', 'webhook-signature'];

test('a hook may not set framing, routing or signature headers; values hold no control character', t => {
	for (const name of reserved) {
		t.throws(() => parseHeaders(`X-Ok: 1\n${name}: value`), {name: 'InvalidHeadersError', message: new RegExp(`^Header "${name}" cannot be set by a hook`)}, name);
		t.throws(() => parseHeaders(`${name.toLowerCase()}: value`), {name: 'InvalidHeadersError'}, name.toLowerCase());
	}

	t.throws(() => parseHeaders('X-Bad: a\u0001b'), {name: 'InvalidHeadersError', message: /^Header "X-Bad" has U\+0001 \(a control character\) at position 2/});
	t.throws(() => parseHeaders('X-Bad: a\0b'), {message: /"X-Bad" has U\+0000/});
	t.throws(() => parseHeaders('X-Bad: a\u007Fb'), {message: /"X-Bad" has U\+007F/});
	t.throws(() => parseHeaders('X-Dog: 🐕'), {message: /^Header "X-Dog" has U\+1F415 \(outside Latin-1\)/});
	t.deepEqual(parseHeaders('X-Latin: café\tüber'), {'X-Latin': 'café\tüber'}, 'tab and Latin-1 are what HTTP carries');
});

/** The test app with a hook whose headers use instance data, and a receiver that records requests. */
async function setUp(t: Parameters<Parameters<typeof dialectTest>[1]>[0], database: TestDatabase, headers: string): Promise<DeliveryApp & {receiver: Receiver}> {
	const receiver = await startReceiver(() => ({status: 204}));
	t.teardown(async () => receiver.close());
	const setup = await appWithHook(t, database, {targetUrl: `${receiver.url}/hook`, headers});
	return {...setup, receiver};
}

const injections: Array<[title: string, injected: string]> = [
	['Authorization replaced', 'Eve\r\nAuthorization: Bearer stolen'],
	['Transfer-Encoding beside Content-Length', 'Eve\r\nTransfer-Encoding: chunked'],
	['Host replaced', 'Eve\nHost: internal.example'],
];

for (const [title, injected] of injections) {
	dialectTest(`a CR/LF in instance data cannot add a header row (${title})`, async (t, database) => {
		const {httpHooks, app, receiver} = await setUp(t, database, 'Authorization: Bearer static-token\nX-Name: {{instance.name}}');
		await app.Owner.create({name: injected});
		await app.Owner.create({name: 'Bob'});
		const [evil, good] = await callbackRows(httpHooks);
		t.is(evil!.status, 'error', 'refused when the callback is built, never sent');
		t.regex(evil!.statusDetails!, /^InvalidHeadersError: Header "X-Name" has U\+000[DA] \(a control character\)/);
		t.is(evil!.attempts, 0);
		t.is(good!.status, 'waiting');
		t.like(await httpHooks.sendCallbacks(), {sent: 1, retrying: 0});
		const [request] = receiver.requests;
		t.is(receiver.requests.length, 1);
		t.is(request!.headers['x-name'], 'Bob');
		t.is(request!.headers['authorization'], 'Bearer static-token');
		t.is(request!.headers['host'], new URL(receiver.url).host);
		t.is(request!.headers['transfer-encoding'], undefined);
		t.is(request!.headers['content-length'], String(Buffer.byteLength(request!.body)));
	});
}

dialectTest('reserved headers and unsendable static values are refused when the hook is saved', async (t, database) => {
	const {httpHooks, hookId, app} = await setUp(t, database, 'X-Ok: 1');
	for (const name of reserved) {
		const error = await t.throwsAsync(httpHooks.updateHook(hookId, {headers: `${name}: {{instance.name}}`}), {name: 'InvalidHeadersError', message: new RegExp(`"${name}" cannot be set by a hook`)});
		t.is((error as {field?: string}).field, 'headers');
	}

	await t.throwsAsync(httpHooks.updateHook(hookId, {headers: 'X-Bad: a\u0001b'}), {name: 'InvalidHeadersError', message: /"X-Bad" has U\+0001/});
	await t.throwsAsync(httpHooks.updateHook(hookId, {headers: 'X-Dog: 🐕'}), {name: 'InvalidHeadersError', message: /"X-Dog" has U\+1F415/});
	t.is((await httpHooks.getHook(hookId)).headers, 'X-Ok: 1');

	// The same hook written by plain SQL: its callbacks are errors with the reason, never sent.
	await database.sequelize.query('UPDATE http_hooks SET headers = ?, updated_at = ? WHERE id = ?', {replacements: ['X-Ok: 1\nHost: internal.example', new Date(Date.now() + 1000), hookId]});
	await httpHooks.reloadHooks();
	await app.Owner.create({name: 'Ann'});
	const [callback] = await callbackRows(httpHooks);
	t.is(callback!.status, 'error');
	t.regex(callback!.statusDetails!, /^InvalidHeadersError: Header "Host" cannot be set by a hook/);
});

dialectTest('a templated value no request can carry makes the callback an error at once, with the reason', async (t, database) => {
	const {httpHooks, app, receiver} = await setUp(t, database, 'X-Name: {{instance.name}}');
	await app.Owner.create({name: 'a\u0001b'});
	await app.Owner.create({name: 'Rex 🐕'});
	const rows = await callbackRows(httpHooks);
	t.deepEqual(rows.map(row => row.status), ['error', 'error']);
	t.regex(rows[0]!.statusDetails!, /"X-Name" has U\+0001/);
	t.regex(rows[1]!.statusDetails!, /"X-Name" has U\+1F415 \(outside Latin-1\)/);
	t.like(await httpHooks.sendCallbacks(), {claimed: 0});
	t.is(receiver.requests.length, 0);
});

dialectTest('a callback row with headers no hook may send, written by plain SQL, fails once and for good', async (t, database) => {
	const {httpHooks, app, receiver} = await setUp(t, database, 'X-Ok: 1');
	const stored = [
		{Host: 'internal.example'},
		{'X-Split': 'a\r\nTransfer-Encoding: chunked'},
		{'Bad Name': '1'},
		{'X-Dog': '🐕'},
	];
	await app.Owner.bulkCreate(stored.map((_, index) => ({name: `owner ${index}`})));
	const rows = await callbackRows(httpHooks);
	for (const [index, headers] of stored.entries()) {
		await database.sequelize.query('UPDATE http_callbacks SET headers = ? WHERE id = ?', {replacements: [JSON.stringify(headers), rows[index]!.id]});
	}

	t.like(await httpHooks.sendCallbacks(), {sent: 0, retrying: 0, failed: stored.length});
	t.is(receiver.requests.length, 0);
	const after = await callbackRows(httpHooks);
	t.deepEqual(after.map(row => row.status), stored.map(() => 'error'));
	t.regex(after[0]!.statusDetails!, /cannot be sent: Header "Host" cannot be set by a hook/);
	t.regex(after[1]!.statusDetails!, /"X-Split" has U\+000D/);
	t.regex(after[2]!.statusDetails!, /invalid name "Bad Name"/);
	t.regex(after[3]!.statusDetails!, /"X-Dog" has U\+1F415/);
	t.is((await attemptRows(httpHooks, after[0]!.id)).length, 1);
});

dialectTest('target URLs with credentials are refused at creation; a stored one fails for good', async (t, database) => {
	const {httpHooks, hookId, app, receiver} = await setUp(t, database, '');
	for (const userinfo of ['user:hunter2@', 'user@', ':hunter2@', 'user:@']) {
		const error = await t.throwsAsync(httpHooks.updateHook(hookId, {targetUrl: `http://${userinfo}127.0.0.1:9/hook`}), {name: 'InvalidHookError', message: /^Target URL "http:\/\/127\.0\.0\.1:9\/hook" has credentials/});
		t.is((error as {field?: string}).field, 'targetUrl');
		t.notRegex((error as Error).message, /hunter2/, 'the password is not repeated');
	}

	await app.Owner.create({name: 'Ann'});
	const [row] = await callbackRows(httpHooks);
	await database.sequelize.query('UPDATE http_callbacks SET target_url = ? WHERE id = ?', {replacements: [`http://user:secret@${new URL(receiver.url).host}/hook`, row!.id]});
	t.like(await httpHooks.sendCallbacks(), {sent: 0, retrying: 0, failed: 1});
	t.is(receiver.requests.length, 0);
	const [after] = await callbackRows(httpHooks);
	t.is(after!.status, 'error');
	t.regex(after!.statusDetails!, /has credentials/);
	t.notRegex(after!.statusDetails!, /secret/);
});
