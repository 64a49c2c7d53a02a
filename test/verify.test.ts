import {execFile} from 'node:child_process';
import {createHmac, randomBytes} from 'node:crypto';
import {readFileSync} from 'node:fs';
import test from 'ava';
import {Webhook, WebhookVerificationError as OracleError} from 'standardwebhooks';
import {startReceiver} from '../fixtures/receiver.js';
import {secretKey, signatureHeaders} from '../source/delivery/sign.js';
import {verifyWebhook, WebhookVerificationError} from '../source/verify/index.js';
import {appWithHook} from './helpers/delivery.js';
import {createTestDatabase} from './helpers/database.js';
import {repoRoot} from './helpers/run-cli.js';

const newSecret = () => `whsec_${randomBytes(32).toString('base64')}`;
const body = JSON.stringify({object_type: 'Order', object_id: '7', event_type: 'created', note: 'café ☕ "quoted" \u2028'});

/** The headers our sender puts on a request, from its own signing function. */
function senderHeaders(secrets: string[], payload: string, id = `msg_${randomBytes(8).toString('hex')}`, at = new Date()) {
	return {'webhook-id': id, ...signatureHeaders(secrets.map(each => secretKey(each)), id, payload, at), 'content-type': 'application/json'};
}

const reasonOf = (run: () => unknown) => {
	try {
		run();
	} catch (error) {
		if (error instanceof WebhookVerificationError) {
			return error.reason;
		}

		throw error;
	}

	return 'verified';
};

test('our signatures verify with standardwebhooks, and theirs with ours', t => {
	const secret = newSecret();
	const ours = senderHeaders([secret], body);
	t.deepEqual(new Webhook(secret).verify(body, ours), JSON.parse(body), 'standardwebhooks accepts what our sender signs');
	t.deepEqual(verifyWebhook({secret, headers: ours, body}), JSON.parse(body));

	const id = 'msg_oracle';
	const now = new Date();
	const theirs = {'webhook-id': id, 'webhook-timestamp': String(Math.floor(now.getTime() / 1000)), 'webhook-signature': new Webhook(secret).sign(id, now, body)};
	t.deepEqual(verifyWebhook({secret, headers: theirs, body}), JSON.parse(body), 'ours accepts what standardwebhooks signs');
	t.deepEqual(verifyWebhook({secret, headers: theirs, body: Buffer.from(body)}), JSON.parse(body), 'a Buffer body is the same');

	// Both refuse the same forgeries.
	const other = newSecret();
	t.throws(() => new Webhook(other).verify(body, ours), {instanceOf: OracleError});
	t.is(reasonOf(() => verifyWebhook({secret: other, headers: ours, body})), 'no_matching_signature');
	const tampered = body.replace('"7"', '"8"');
	t.throws(() => new Webhook(secret).verify(tampered, ours), {instanceOf: OracleError});
	t.is(reasonOf(() => verifyWebhook({secret, headers: ours, body: tampered})), 'no_matching_signature');
});

test('a request the real sender delivered verifies, with ours and with standardwebhooks', async t => {
	const database = await createTestDatabase('sqlite');
	const receiver = await startReceiver();
	try {
		const secret = newSecret();
		const {httpHooks, app} = await appWithHook(t, database, {targetUrl: `${receiver.url}/hooks`, secret});
		await app.Owner.create({name: 'Zoë "Z" ☕'});
		await httpHooks.sendCallbacks();
		const [request] = await receiver.waitFor(1);
		t.like(verifyWebhook({secret, headers: request!.headers, body: request!.body}), {name: 'Zoë "Z" ☕'});
		t.like(new Webhook(secret).verify(request!.body, request!.headers as Record<string, string>), {name: 'Zoë "Z" ☕'});
	} finally {
		await receiver.close();
		await database.close();
	}
});

test('during a rotation both signatures are sent: either secret verifies, here and in standardwebhooks', t => {
	const current = newSecret();
	const previous = newSecret();
	const headers = senderHeaders([current, previous], body);
	t.is(headers['webhook-signature'].split(' ').length, 2);
	for (const secret of [current, previous]) {
		t.deepEqual(verifyWebhook({secret, headers, body}), JSON.parse(body));
		t.deepEqual(new Webhook(secret).verify(body, headers), JSON.parse(body));
	}

	// A receiver in the middle of its own rotation holds both secrets.
	t.deepEqual(verifyWebhook({secret: [newSecret(), previous], headers: senderHeaders([previous], body), body}), JSON.parse(body));
	t.is(reasonOf(() => verifyWebhook({secret: [newSecret(), newSecret()], headers, body})), 'no_matching_signature');
	// Unknown versions (v1a) and junk between signatures are skipped, not fatal.
	const mixed = {...headers, 'webhook-signature': `v1a,abc v2,xyz v1 v1,%%% ${headers['webhook-signature']}`};
	t.deepEqual(verifyWebhook({secret: current, headers: mixed, body}), JSON.parse(body));
});

test('timestamps: stale and future ones are refused, the tolerance is the receiver\'s', t => {
	const secret = newSecret();
	const old = senderHeaders([secret], body, 'msg_old', new Date(Date.now() - 301_000));
	t.is(reasonOf(() => verifyWebhook({secret, headers: old, body})), 'timestamp_too_old');
	t.throws(() => new Webhook(secret).verify(body, old), {instanceOf: OracleError}, 'the oracle agrees');
	t.deepEqual(verifyWebhook({secret, headers: old, body, toleranceSeconds: 600}), JSON.parse(body));
	const future = senderHeaders([secret], body, 'msg_future', new Date(Date.now() + 301_000));
	t.is(reasonOf(() => verifyWebhook({secret, headers: future, body})), 'timestamp_in_future');
	for (const timestamp of ['', ' ', '-1', '1e9', '0x10', '17000000000000000000', '１２３']) {
		t.regex(reasonOf(() => verifyWebhook({secret, headers: {...old, 'webhook-timestamp': timestamp}, body})), /^(bad_timestamp|missing_header)$/, JSON.stringify(timestamp));
	}

	for (const toleranceSeconds of [-1, Number.NaN, Infinity, 1e9, '300' as never]) {
		t.throws(() => verifyWebhook({secret, headers: old, body, toleranceSeconds}), {instanceOf: TypeError, message: /toleranceSeconds must be a number from 0 to 86400/});
	}
});

test('headers: missing, repeated, arrays, objects posing as strings, any letter case, fetch Headers', t => {
	const secret = newSecret();
	const headers = senderHeaders([secret], body);
	for (const name of ['webhook-id', 'webhook-timestamp', 'webhook-signature']) {
		const {[name as 'webhook-id']: _dropped, ...rest} = headers;
		const error = t.throws(() => verifyWebhook({secret, headers: rest, body}), {instanceOf: WebhookVerificationError});
		t.is(error?.reason, 'missing_header');
		t.is(error?.code, 'missing_header');
		t.true(error?.message.includes(name));
		t.is(reasonOf(() => verifyWebhook({secret, headers: {...headers, [name]: ''}, body})), 'missing_header');
	}

	const upper = Object.fromEntries(Object.entries(headers).map(([key, value]) => [key.toUpperCase(), value]));
	t.deepEqual(verifyWebhook({secret, headers: upper, body}), JSON.parse(body));
	t.deepEqual(verifyWebhook({secret, headers: new Headers(headers), body}), JSON.parse(body));
	t.deepEqual(verifyWebhook({secret, headers: {...headers, 'webhook-id': [headers['webhook-id']]}, body}), JSON.parse(body), 'a one-value list is that value');

	t.is(reasonOf(() => verifyWebhook({secret, headers: {...headers, 'Webhook-Id': 'msg_other'}, body})), 'bad_header');
	t.is(reasonOf(() => verifyWebhook({secret, headers: {...headers, 'webhook-id': [headers['webhook-id'], 'msg_other']}, body})), 'bad_header');
	const repeated = new Headers(headers);
	repeated.append('webhook-id', 'msg_other');
	t.is(reasonOf(() => verifyWebhook({secret, headers: repeated, body})), 'bad_header');

	let called = false;
	const posing = {toString: () => {
		called = true;
		return headers['webhook-signature'];
	}};
	t.is(reasonOf(() => verifyWebhook({secret, headers: {...headers, 'webhook-signature': posing}, body})), 'bad_header');
	t.is(reasonOf(() => verifyWebhook({secret, headers: {...headers, 'webhook-timestamp': 1_700_000_000}, body})), 'bad_header');
	const getter = Object.defineProperty({...headers}, 'webhook-id', {get() {
		called = true;
		return headers['webhook-id'];
	}, enumerable: true});
	t.is(reasonOf(() => verifyWebhook({secret, headers: getter, body})), 'missing_header', 'a getter is not run');
	t.false(called, 'no method of a header value was called');

	for (const bad of [null, undefined, 'webhook-id: x']) {
		t.throws(() => verifyWebhook({secret, headers: bad as never, body}), {instanceOf: TypeError, message: /headers must be the request's headers/});
	}
});

test('bodies: Buffer or string alike, huge, not UTF-8, not raw, not JSON', t => {
	const secret = newSecret();
	const huge = JSON.stringify({data: 'x'.repeat(20 * 1024 * 1024)});
	const hugeHeaders = senderHeaders([secret], huge);
	const started = Date.now();
	t.is((verifyWebhook<{data: string}>({secret, headers: hugeHeaders, body: Buffer.from(huge)})).data.length, 20 * 1024 * 1024);
	t.is(reasonOf(() => verifyWebhook({secret, headers: hugeHeaders, body: `${huge} `})), 'no_matching_signature');
	t.true(Date.now() - started < 10_000, 'a 20 MB body takes well under a second or two');

	// Signed bytes that are not UTF-8: verified as bytes, then refused as text.
	const bytes = Buffer.from([0x7B, 0x22, 0xFF, 0xFE, 0x22, 0x7D]);
	const id = 'msg_bytes';
	const timestamp = String(Math.floor(Date.now() / 1000));
	// Signed over the bytes as sent (standardwebhooks would sign the text they decode to).
	const signature = `v1,${createHmac('sha256', secretKey(secret)).update(Buffer.concat([Buffer.from(`${id}.${timestamp}.`), bytes])).digest('base64')}`;
	const binary = {'webhook-id': id, 'webhook-timestamp': timestamp, 'webhook-signature': signature};
	t.is(reasonOf(() => verifyWebhook({secret, headers: binary, body: bytes})), 'body_not_utf8');
	t.is(reasonOf(() => verifyWebhook({secret, headers: binary, body: bytes.toString('utf8')})), 'no_matching_signature', 'decoding changed the bytes: the signature says so');
	t.is(reasonOf(() => verifyWebhook({secret, headers: binary, body: new Uint8Array(bytes)})), 'body_not_utf8', 'a Uint8Array is bytes too');

	const headers = senderHeaders([secret], body);
	for (const notRaw of [JSON.parse(body) as unknown, null, undefined, 42]) {
		t.is(reasonOf(() => verifyWebhook({secret, headers, body: notRaw as never})), 'bad_body');
	}

	const text = 'not json';
	t.is(reasonOf(() => verifyWebhook({secret, headers: senderHeaders([secret], text), body: text})), 'bad_json');
	const xml = '<order number="7"/>';
	t.is(verifyWebhook({secret, headers: {...senderHeaders([secret], xml), 'content-type': 'application/xml; charset=utf-8'}, body: xml}), xml, 'other content types come back as text');
	const {'content-type': _none, ...untyped} = senderHeaders([secret], body);
	t.deepEqual(verifyWebhook({secret, headers: untyped, body}), JSON.parse(body), 'no content type: JSON, the default payload');
});

test('secrets: a bad one is a programming mistake (TypeError), never echoed', t => {
	const headers = senderHeaders([newSecret()], body);
	for (const secret of ['', 'whsec_', 'whsec_!!!', 'c2VjcmV0', [], [42], {toString: () => 'whsec_abc'}, null]) {
		const error = t.throws(() => verifyWebhook({secret: secret as never, headers, body}), {instanceOf: TypeError});
		t.regex(error!.message, /verifyWebhook: secret/);
		t.false(typeof secret === 'string' && secret.length > 6 && error!.message.includes(secret));
	}
});

test('the verify subpath loads no Sequelize and no database driver; the package exports it', async t => {
	// A resolve hook that refuses Sequelize and the drivers: importing one fails the child.
	const blocker = `data:text/javascript,${encodeURIComponent('export async function resolve(specifier, context, next) { if (/^(sequelize|pg|pg-hstore|sqlite3|mysql2|mariadb)(\\/|$)/.test(specifier)) { throw new Error("blocked " + specifier); } return next(specifier, context); }')}`;
	const run = async (code: string) => new Promise<{code: number; stdout: string; stderr: string}>(resolve => {
		const script = `import {register} from 'node:module';\nregister(${JSON.stringify(blocker)});\n${code}`;
		execFile(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {cwd: repoRoot}, (error, stdout, stderr) => {
			resolve({code: error ? Number(error.code ?? 1) : 0, stdout, stderr});
		});
	});
	const verify = await run('const {verifyWebhook, WebhookVerificationError} = await import("./source/verify/index.ts"); console.log(typeof verifyWebhook, typeof WebhookVerificationError);');
	t.is(verify.code, 0, verify.stderr);
	t.is(verify.stdout.trim(), 'function function');
	const main = await run('await import("./source/index.ts");');
	t.not(main.code, 0, 'the blocker works: the main entry needs Sequelize');
	t.regex(main.stderr, /blocked sequelize/);

	const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {exports: Record<string, Record<string, string>>};
	t.deepEqual(manifest.exports['./verify'], {types: './dist/source/verify/index.d.ts', default: './dist/source/verify/index.js'});
});
