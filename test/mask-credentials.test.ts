import test from 'ava';
import {safeJson, safeText} from '../cli/safe-text.js';
import {
	isCredentialName, maskCallbackFields, maskHeaderJson, maskHeaderText, maskUrl, maskUrlsInText, maskValue, redactDatabaseUrl,
} from '../source/operations/mask-credentials.js';

test('credential-like header names, whatever their case and separators', t => {
	for (const name of [
		'Authorization', 'proxy-authorization', 'Cookie', 'Set-Cookie', 'X-Auth-Key', 'Ocp-Apim-Subscription-Key', 'X-API-KEY', 'api_key', 'apikey',
		'X-Access-Token', 'X-Secret', 'X-Password', 'passwd', 'webhook-signature', 'X-Session-Id', 'X-Credentials', 'X-Amz-Security-Token',
	]) {
		t.true(isCredentialName(name), name);
	}

	for (const name of ['Content-Type', 'X-Env', 'Accept', 'X-Request-Id', 'User-Agent']) {
		t.false(isCredentialName(name), name);
	}
});

test('a masked value: dots, the last two characters only when long, the auth scheme kept', t => {
	t.is(maskValue('short-secret'), '••••');
	t.is(maskValue('0123456789abcdef01234567'), '••••67');
	t.is(maskValue('Bearer abc.def'), 'Bearer ••••');
	t.is(maskValue('Basic dXNlcjpwYXNzd29yZA=='), 'Basic ••••');
	t.is(maskValue(maskValue('0123456789abcdef01234567')), '••••67', 'masking twice changes nothing');
	t.is(maskHeaderText('X-Auth-Key: k1\r\nX-Env: prod\nAuthorization: Bearer {{ instance.token }}'), 'X-Auth-Key: ••••\nX-Env: prod\nAuthorization: Bearer ••••');
	t.is(maskHeaderJson('{"X-API-KEY":"k","Accept":"*/*"}'), '{"X-API-KEY":"••••","Accept":"*/*"}');
	t.is(maskHeaderJson('not json'), 'not json');
});

test('URLs: credentials in the query and the userinfo masked, the rest as written', t => {
	t.is(maskUrl('https://example.com/hook?token=abc&lang=en'), 'https://example.com/hook?token=••••&lang=en');
	t.is(maskUrl('https://example.com/h?api_key=abc&sig=xyz&code=123&X-Amz-Signature=zz#top'), 'https://example.com/h?api_key=••••&sig=••••&code=••••&X-Amz-Signature=••••#top');
	t.is(maskUrl('https://user:pass@example.com/h'), 'https://user:••••@example.com/h');
	t.is(maskUrl('https://example.com/h?page=2'), 'https://example.com/h?page=2');
	t.is(maskUrlsInText('request to https://x.test/h?access_token=abc failed, reason: ECONNREFUSED'), 'request to https://x.test/h?access_token=•••• failed, reason: ECONNREFUSED');
	const row = {id: 1, targetUrl: 'https://x.test/?token=t', statusDetails: 'at https://x.test/?token=t', headers: '{"Cookie":"c"}'};
	t.deepEqual(maskCallbackFields(row), {id: 1, targetUrl: 'https://x.test/?token=••••', statusDetails: 'at https://x.test/?token=••••', headers: '{"Cookie":"••••"}'});
	t.is(maskCallbackFields(row, {reveal: true}), row);
});

test('database URLs lose their password in every form', t => {
	const cases: Array<[string, string]> = [
		['postgres://app:hunter2@db:5432/app', 'postgres://app:***@db:5432/app'],
		['postgres://:hunter2@db/app', 'postgres://:***@db/app'],
		['postgres://app:hun%40ter2@db/app', 'postgres://app:***@db/app'],
		['postgres://app:hun@ter2@db/app', 'postgres://app:***@db/app'],
		['postgres://app:hun/ter2@db/app', 'postgres://app:***@db/app'],
		['postgres://app:hu%ZZter2@db/app', 'postgres://app:***@db/app'],
		['postgres://app@db/app?password=hunter2&sslmode=require', 'postgres://app@db/app?password=***&sslmode=require'],
		['mysql://root:hunter2@[::1]:3306/app', 'mysql://root:***@[::1]:3306/app'],
		['host=db user=app password=hunter2', 'host=db user=app password=***'],
		['postgres://app@db/app', 'postgres://app@db/app'],
		['sqlite:./app.sqlite', 'sqlite:./app.sqlite'],
	];
	for (const [url, shown] of cases) {
		t.is(redactDatabaseUrl(url), shown, url);
	}
});

test('control characters shown escaped; JSON exact and escaped', t => {
	t.is(safeText('a\u001B]0;pwned\u0007b\u001B[31mc'), String.raw`a\x1b]0;pwned\x07b\x1b[31mc`);
	t.is(safeText('x\u009B2Jy\u007F'), String.raw`x\x9b2Jy\x7f`);
	t.is(safeText('abc\u202Edef\u2066g'), String.raw`abc\u202edef\u2066g`);
	t.is(safeText('one\ntwo\r\tthree'), String.raw`one\ntwo\r\tthree`);
	t.is(safeText('one\r\ntwo\u001B', {lines: true}), 'one\ntwo\\x1b');
	t.is(safeText('plain text, ünïcödé ✓'), 'plain text, ünïcödé ✓');
	const value = {name: 'a\u001B[31m\u009B\u202E\n'};
	const json = safeJson(value, 2);
	t.notRegex(json, /[\u0000-\u0009\u000B-\u001F\u007F-\u009F\u202A-\u202E]/);
	t.deepEqual(JSON.parse(json), value);
});
