import test from 'ava';
import {callbackDetailLines, hookDetailLines} from '../cli/tui/detail-lines.js';
import {cell, wrapLines} from '../cli/tui/format.js';
import {maskHeaderJson, maskHeaderText, maskHeaderValue} from '../cli/tui/mask-headers.js';
import {colorsEnabled, createTheme} from '../cli/tui/theme.js';
import type {CallbackDetail} from '../source/operations/browse-callbacks.js';

test('secret-looking header values are masked, the rest shown', t => {
	for (const name of ['Authorization', 'api-key', 'X-Api-Key', 'X-Auth-Token', 'X-Secret', 'Cookie', 'password', 'webhook-signature']) {
		t.false(maskHeaderValue(name, 'hunter2-value').includes('hunter2'), name);
	}

	t.is(maskHeaderValue('Authorization', 'Bearer abc.def'), 'Bearer ••••');
	t.is(maskHeaderValue('X-Env', 'prod'), 'prod');
	t.is(maskHeaderText('api-key: 12345\r\nX-Env: prod'), 'api-key: ••••\nX-Env: prod');
	t.deepEqual(maskHeaderJson('{"Content-Type":"application/json","X-Token":"t0ps3cret"}'), ['Content-Type: application/json', 'X-Token: ••••']);
	t.deepEqual(maskHeaderJson('not json'), ['not json']);
});

test('NO_COLOR turns every colour off; status stays a word', t => {
	t.true(colorsEnabled({}));
	t.true(colorsEnabled({NO_COLOR: ''}));
	t.false(colorsEnabled({NO_COLOR: '1'}));
	const plain = createTheme({NO_COLOR: '1'});
	t.is(plain.status('error'), undefined);
	t.is(plain.enabled(true), undefined);
	t.is(plain.border(true), undefined);
	t.is(createTheme({}).status('error'), 'red');
	t.is(createTheme({}).status('sent'), 'green');
});

test('cells keep their width; long lines are broken, not hidden', t => {
	t.is(cell('abcdef', 4), 'abc…');
	t.is(cell('7', 3, 'right'), '  7');
	t.is(cell('a\nb', 4), 'a\\nb', 'a line break shown as \\n in a one-line cell');
	t.deepEqual(wrapLines('abcdefgh\nij', 3), ['abc', 'def', 'gh', 'ij']);
});

test('a callback\'s detail: status in words, masked headers, payload, every attempt', t => {
	const detail: CallbackDetail = {
		id: 12, hookId: 3, hookName: 'pets', model: 'Pet', objectId: '5', eventType: 'created', webhookId: 'msg_1', targetUrl: 'http://x/hooks',
		httpMethod: 'POST', contentType: 'application/json', headers: '{"api-key":"12345","X-Env":"prod"}', payload: '{"id":5,"name":"Rex"}',
		status: 'error', statusDetails: 'status_code:500', attempts: 2, nextAttemptAt: null, leaseUntil: null, lockedBy: null,
		createdAt: new Date(), updatedAt: new Date(),
		attemptRows: [
			{id: 1, callbackId: 12, attempt: 1, startedAt: new Date(), durationMs: 15, statusCode: 500, error: null, responseBody: 'oops'},
			{id: 2, callbackId: 12, attempt: 2, startedAt: new Date(), durationMs: 15000, statusCode: null, error: 'timeout after 15000 ms', responseBody: null},
		],
	};
	const text = callbackDetailLines(detail, 80, createTheme({})).map(line => line.text).join('\n');
	t.regex(text, /Callback 12 · error · 2 attempts/);
	t.regex(text, /Status +status_code:500/);
	t.regex(text, /api-key: ••••/);
	t.notRegex(text, /12345/);
	t.regex(text, /"name": "Rex"/);
	t.regex(text, /#1 .* · 15 ms · HTTP 500/);
	t.regex(text, /response: oops/);
	t.regex(text, /#2 .* · 15000 ms · no response · timeout after 15000 ms/);
});

test('a hook\'s detail hides its secret and masks its headers', t => {
	const lines = hookDetailLines({
		id: 1, name: 'pets', model: 'Pet', signals: ['afterCreate'], targetUrl: 'http://x', httpMethod: 'POST', contentType: null, headers: 'Authorization: Basic dXNlcjpwYXNz',
		payloadTemplate: null, serializerClass: null, secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', enabled: false, createdAt: new Date(), updatedAt: new Date(), waiting: 2, error: 1,
	}, 80, createTheme({NO_COLOR: '1'}));
	const text = lines.map(line => line.text).join('\n');
	t.notRegex(text, /MfKQ9r8|dXNlcjpwYXNz/);
	t.regex(text, /Secret +set \(never shown\)/);
	t.regex(text, /Hook 1 · pets · disabled/);
	t.regex(text, /Queue +2 waiting · 1 error/);
	t.is(lines[0]!.color, undefined);
});
