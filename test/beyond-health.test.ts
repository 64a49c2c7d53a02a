import test from 'ava';
import {hookDetailLines} from '../cli/tui/detail-lines.js';
import {createTheme} from '../cli/tui/theme.js';
import {startReceiver} from '../fixtures/receiver.js';
import {allDialects, dialectTest} from './helpers/dialect-test.js';
import {appWithHook, callbackRows, createOwners, makeDue} from './helpers/delivery.js';
import {runHooks} from './helpers/run-cli.js';

dialectTest('an endpoint answering 410 Gone disables its hook; its callbacks wait until it is enabled again', async (t, database) => {
	const receiver = await startReceiver(() => ({status: 410, body: 'gone'}));
	try {
		const setup = await appWithHook(t, database, {targetUrl: receiver.url});
		const {httpHooks, hookId} = setup;
		await createOwners(setup, ['Ann', 'Bob', 'Cy']);
		t.like(await httpHooks.sendCallbacks({limit: 1}), {failed: 1});
		t.is(receiver.requests.length, 1);

		const disabled = await httpHooks.getHook(hookId);
		t.false(disabled.enabled);
		t.regex(disabled.disabledReason ?? '', /410 Gone/);
		t.true(disabled.disabledAt instanceof Date);
		t.deepEqual((await callbackRows(httpHooks)).map(row => row.status).sort(), ['error', 'waiting', 'waiting'], '410 is final for its callback');

		// While disabled, the sender leaves its callbacks waiting, even when due.
		await makeDue(httpHooks);
		t.like(await httpHooks.sendCallbacks(), {claimed: 0});
		t.is(receiver.requests.length, 1);

		// Shown where a person looks: list-hooks and the console's hook detail.
		const listed = await runHooks(['list-hooks', '--database-url', database.url]);
		t.is(listed.code, 0, listed.stderr);
		t.regex(listed.stdout, /DISABLED BECAUSE/);
		t.regex(listed.stdout, /endpoint answered 410 Gone/);
		const json = JSON.parse((await runHooks(['list-hooks', '--json', '--database-url', database.url])).stdout) as Array<{disabledReason: string; disabledAt: string}>;
		t.regex(json[0]!.disabledReason, /410 Gone/);
		t.false(Number.isNaN(Date.parse(json[0]!.disabledAt)));

		// Enabling it again clears the reason and resumes its waiting callbacks.
		receiver.respond(() => ({status: 204}));
		const enabled = await httpHooks.setHookEnabled(hookId, true);
		t.true(enabled.enabled);
		t.is(enabled.disabledReason, null);
		t.is(enabled.disabledAt, null);
		await makeDue(httpHooks);
		t.like(await httpHooks.sendCallbacks(), {sent: 2});
		t.deepEqual((await callbackRows(httpHooks)).map(row => row.status).sort(), ['error', 'sent', 'sent']);
	} finally {
		await receiver.close();
	}
}, {dialects: allDialects});

dialectTest('a hook is disabled after N failed attempts in a row; a success starts the count again', async (t, database) => {
	const receiver = await startReceiver(() => ({status: 500}));
	try {
		const setup = await appWithHook(t, database, {targetUrl: receiver.url}, {delivery: {disableAfterFailures: 3}});
		const {httpHooks, hookId} = setup;
		await createOwners(setup, ['Ann', 'Bob']);
		t.like(await httpHooks.sendCallbacks(), {retrying: 2});
		t.true((await httpHooks.getHook(hookId)).enabled, 'two failures in a row: still enabled');

		receiver.respond(() => ({status: 204}));
		await makeDue(httpHooks);
		t.like(await httpHooks.sendCallbacks(), {sent: 2});

		receiver.respond(() => ({status: 503}));
		await setup.app.Owner.bulkCreate([{name: 'Cy'}, {name: 'Di'}]);
		t.like(await httpHooks.sendCallbacks(), {retrying: 2});
		t.true((await httpHooks.getHook(hookId)).enabled, 'the success in between reset the count');

		await makeDue(httpHooks);
		await httpHooks.sendCallbacks({concurrency: 1, delivery: {batchSize: 1}});
		const hook = await httpHooks.getHook(hookId);
		t.false(hook.enabled);
		t.regex(hook.disabledReason ?? '', /^[34] failed attempts in a row \(last: HTTP 503\)$/);

		// updateHook enabling it clears the reason as well, and the count starts from zero.
		const enabled = await httpHooks.updateHook(hookId, {enabled: true});
		t.is(enabled.disabledReason, null);
		await makeDue(httpHooks);
		await httpHooks.sendCallbacks({concurrency: 1, delivery: {batchSize: 1}, limit: 1});
		t.true((await httpHooks.getHook(hookId)).enabled, 'one failure after re-enabling is not three');
	} finally {
		await receiver.close();
	}
}, {dialects: allDialects});

dialectTest('disableAfterFailures is validated', async (t, database) => {
	await t.throwsAsync(appWithHook(t, database, {targetUrl: 'http://127.0.0.1:9/'}, {delivery: {disableAfterFailures: 0}}), {message: /disableAfterFailures/});
}, {dialects: allDialects});

test('the console\'s hook detail says why and when a hook was disabled', t => {
	const text = hookDetailLines({
		id: 1, name: 'pets', model: 'Pet', signals: ['afterCreate'], targetUrl: 'http://x', httpMethod: 'POST', contentType: null, headers: '',
		payloadTemplate: null, serializerClass: null, secret: null, enabled: false, createdAt: new Date(), updatedAt: new Date(), waiting: 2, error: 0,
		disabledReason: 'endpoint answered 410 Gone', disabledAt: new Date('2026-01-02T12:04:05Z'),
	}, 160, createTheme({NO_COLOR: '1'})).map(line => line.text).join('\n');
	t.regex(text, /Disabled +endpoint answered 410 Gone · 2026-01-02/);
	t.regex(text, /enable to resume its waiting callbacks/);
});
