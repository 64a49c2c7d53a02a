import {randomBytes} from 'node:crypto';
import type {ExecutionContext} from 'ava';
import {render} from 'ink-testing-library';
import {createElement} from 'react';
import {startReceiver} from '../fixtures/receiver.js';
import {App} from '../cli/tui/app.js';
import {ConsoleSource} from '../cli/tui/console-source.js';
import {createTheme} from '../cli/tui/theme.js';
import {connectHttpHooks, registerHttpHooks} from '../source/index.js';
import {defineAppModels} from './helpers/app.js';
import type {TestDatabase} from './helpers/database.js';
import {dialectTest} from './helpers/dialect-test.js';

const keys = {
	up: '\u001B[A', down: '\u001B[B', right: '\u001B[C', left: '\u001B[D', enter: '\r', escape: '\u001B', tab: '\t',
	ctrlS: '\u0013', backspace: '\u007F',
};

/** An app that registered its models and makes callbacks, and the console on its own connection. */
async function consoleOn(database: TestDatabase) {
	const {Owner, Pet} = await defineAppModels(database.sequelize);
	const app = await registerHttpHooks(database.sequelize);
	const connection = database.open();
	const tool = await connectHttpHooks(connection, {migrate: false});
	return {
		app, Owner, Pet, tool, source: new ConsoleSource(tool, connection),
		async close() {
			await tool.close();
			await app.close();
		},
	};
}

type Ui = ReturnType<typeof render> & {rows: number; frame(): string};

/** The console on a 100x`rows` screen, once it listens to keys (its footer shows them). */
async function show(t: ExecutionContext, source: ConsoleSource, rows = 30): Promise<Ui> {
	const instance = render(createElement(App, {source, location: 'test database', refreshMs: 150, messageMs: {info: 600_000, success: 600_000, error: 600_000}, theme: createTheme({})}));
	const ui = Object.assign(instance, {rows, frame: () => instance.lastFrame() ?? ''});
	resize(ui, rows);
	await until(t, ui, frame => frame.includes('? help · q quit'), 'its footer');
	return ui;
}

function resize(ui: Ui, rows: number) {
	ui.rows = rows;
	Object.defineProperty(ui.stdout, 'rows', {value: rows, configurable: true});
	ui.stdout.emit('resize');
}

const tick = async () => new Promise(resolve => setTimeout(resolve, 15));

/** Press keys one at a time, with a tick before and after each (Ink reads input asynchronously). */
async function press(ui: Ui, ...inputs: string[]) {
	for (const input of inputs) {
		await tick();
		ui.stdin.write(input);
		await tick();
	}
}

/** Wait for the screen to show something; fails with the last frame after a generous deadline. */
async function until(t: ExecutionContext, ui: Ui, check: (frame: string) => boolean, what: string) {
	const deadline = Date.now() + 30_000;
	while (!check(ui.frame())) {
		if (Date.now() > deadline) {
			t.log(ui.frame());
			throw new Error(`the console never showed ${what}`);
		}

		await tick();
	}

	const lines = ui.frame().split('\n').length;
	t.true(lines <= ui.rows - 1, `a frame of ${lines} lines in a terminal of ${ui.rows}`);
}

const selectedLine = (ui: Ui) => ui.frame().split('\n').find(line => line.startsWith('›')) ?? '';

dialectTest('hooks screen: each hook with its queue; Space disables, d deletes after asking', async (t, database) => {
	const setup = await consoleOn(database);
	const {app, Pet, tool, source} = setup;
	const hook = await app.createHook({name: 'pets', model: 'Pet', signals: ['afterCreate'], targetUrl: 'http://127.0.0.1:9/pets', headers: 'api-key: 12345\nX-Env: prod'});
	await Pet.create({name: 'Rex'});
	await Pet.create({name: 'Max'});
	await app.models.Callback.update({status: 'error'}, {where: {objectId: '1'}});
	const ui = await show(t, source);
	try {
		await until(t, ui, frame => /pets +Pet +afterCreate +enabled +1 +1 +POST http:\/\/127\.0\.0\.1/.test(frame), 'the hook with 1 waiting and 1 error');
		t.regex(ui.frame(), /api-key: ••••/);
		t.notRegex(ui.frame(), /12345/);
		t.regex(ui.frame(), /X-Env: prod/);

		await press(ui, ' ');
		await until(t, ui, frame => /pets +Pet +afterCreate +disabled/.test(frame), 'the hook disabled');
		t.false((await tool.getHook(hook.id)).enabled);

		await press(ui, 'd');
		await until(t, ui, frame => frame.includes('Delete hook "pets" (id 1)? Its 2 waiting or failed callbacks stay, without a hook.'), 'the question');
		await press(ui, 'n');
		await until(t, ui, frame => frame.includes('Nothing changed'), 'the answer taken');
		t.is((await tool.listHooks()).length, 1);

		await press(ui, 'd');
		await until(t, ui, frame => frame.includes('[y/n]'), 'the question again');
		await press(ui, 'y');
		await until(t, ui, frame => frame.includes('No hooks yet'), 'the empty list');
		t.deepEqual(await tool.listHooks(), []);
		t.is(await app.models.Callback.count(), 2, 'callbacks stay');
	} finally {
		ui.unmount();
		await setup.close();
	}
});

dialectTest('hooks screen: the selected hook\'s lag, success rate and latency, read for it alone and kept fresh', async (t, database) => {
	const setup = await consoleOn(database);
	const {app, source} = setup;
	const fast = await app.createHook({name: 'fast', model: 'Pet', signals: ['afterCreate'], targetUrl: 'http://127.0.0.1:9/a'});
	const idle = await app.createHook({name: 'idle', model: 'Pet', signals: ['afterUpdate'], targetUrl: 'http://127.0.0.1:9/b'});
	const now = Date.now();
	const callback = (hook: {id: number; name: string}, status: string, nextAttemptAt: Date | null) => ({
		hookId: hook.id, hookName: hook.name, eventType: 'created', webhookId: `msg_${Math.random()}`, targetUrl: 'http://127.0.0.1:9/a', httpMethod: 'POST',
		headers: '{}', payload: '{}', status, nextAttemptAt,
	});
	const [, sent, idleSent] = await app.models.Callback.bulkCreate([
		callback(fast, 'waiting', new Date(now - (5 * 60_000))),
		callback(fast, 'sent', null),
		callback(idle, 'sent', null),
	] as never[]);
	await app.models.Attempt.bulkCreate(Array.from({length: 20}, (_, index) => ({
		callbackId: sent!.id, attempt: index + 1, startedAt: new Date(now - 60_000), durationMs: index + 1, statusCode: index < 5 ? 500 : 200,
	})) as never[]);
	const ui = await show(t, source, 40);
	try {
		await until(t, ui, frame => /Lag +5m: the oldest due callback has waited that long/.test(frame), 'the lag of the first hook');
		t.regex(ui.frame(), /Last hour +20 attempts · 75\.0% answered 2xx · p50 10ms · p95 19ms/);
		await press(ui, keys.down);
		await until(t, ui, frame => frame.includes('Hook 2: idle') && /Last hour +no attempts/.test(frame), 'the second hook\'s own figures');
		t.regex(ui.frame(), /Lag +none: nothing due is waiting/);
		await app.models.Attempt.create({callbackId: idleSent!.id, attempt: 1, startedAt: new Date(), durationMs: 42, statusCode: 204} as never);
		await until(t, ui, frame => /Last hour +1 attempt · 100\.0% answered 2xx · p50 42ms · p95 42ms/.test(frame), 'the figures read again');
		t.is(idle.id, 2);
	} finally {
		ui.unmount();
		await setup.close();
	}
});

dialectTest('hook form: created through the form, the library\'s error beside its field; then edited', async (t, database) => {
	const setup = await consoleOn(database);
	const {tool, source} = setup;
	const ui = await show(t, source);
	try {
		await until(t, ui, frame => frame.includes('No hooks yet'), 'the empty hooks screen');
		await press(ui, 'n');
		await until(t, ui, frame => frame.includes('New hook') && frame.includes('orders') === false && /Model +Note/.test(frame), 'the form');
		await press(ui, 'pet watch', keys.tab, keys.right, keys.right, keys.tab, ' ', keys.tab, 'ftp://x', keys.ctrlS);
		await until(t, ui, frame => frame.includes('✗ Target URL "ftp://x" must use http or https, not "ftp"'), 'the URL error');
		const lines = ui.frame().split('\n');
		const urlLine = lines.findIndex(line => /▶ Target URL +ftp:\/\/x/.test(line));
		t.regex(lines[urlLine + 1]!, /^ +✗ Target URL/, 'the error is right under its field');
		t.deepEqual(await tool.listHooks(), []);

		await press(ui, ...Array.from({length: 7}, () => keys.backspace), 'http://127.0.0.1:9/watch', keys.tab, keys.tab, keys.tab, 'X-Token: abc', keys.enter, 'X-Env: test', keys.ctrlS);
		await until(t, ui, frame => frame.includes('Hook "pet watch" created (id 1)'), 'the hook saved');
		await until(t, ui, frame => /› +1 +pet watch +Pet +afterCreate +enabled/.test(frame), 'the new hook in the list');
		const [hook] = await tool.listHooks();
		t.like(hook, {name: 'pet watch', model: 'Pet', signals: ['afterCreate'], targetUrl: 'http://127.0.0.1:9/watch', httpMethod: 'POST', contentType: 'application/json', headers: 'X-Token: abc\nX-Env: test', enabled: true});

		await press(ui, 'e');
		await until(t, ui, frame => frame.includes('Edit hook 1: pet watch') && /Name +pet watch/.test(frame), 'the edit form');
		await press(ui, keys.down, keys.down, keys.down, keys.down, keys.right);
		await until(t, ui, frame => /▶ Method +‹ PUT ›/.test(frame), 'PUT chosen');
		await press(ui, keys.escape);
		await until(t, ui, frame => frame.includes('Leave the form and lose the changes?'), 'the question before losing changes');
		await press(ui, 'n');
		await press(ui, keys.ctrlS);
		await until(t, ui, frame => frame.includes('Hook "pet watch" saved (id 1)'), 'the hook saved');
		t.is((await tool.getHook(1)).httpMethod, 'PUT');
		t.is((await tool.getHook(1)).headers, 'X-Token: abc\nX-Env: test');
	} finally {
		ui.unmount();
		await setup.close();
	}
});

dialectTest('hook form: a new secret rotates (the old one signs a day more); per-record ordering is a toggle', async (t, database) => {
	const setup = await consoleOn(database);
	const {app, tool, source} = setup;
	const oldSecret = `whsec_${randomBytes(24).toString('base64')}`;
	const newSecret = `whsec_${randomBytes(24).toString('base64')}`;
	const hook = await app.createHook({name: 'signed', model: 'Pet', signals: ['afterCreate'], targetUrl: 'http://127.0.0.1:9/signed', secret: oldSecret});
	const ui = await show(t, source, 40);
	try {
		await until(t, ui, frame => /› +1 +signed/.test(frame), 'the hook');
		t.notRegex(ui.frame(), /Order /, 'an unordered hook says nothing of order');
		await press(ui, 'e');
		await until(t, ui, frame => frame.includes('Edit hook 1: signed'), 'the edit form');
		await press(ui, ...Array.from({length: 10}, () => keys.tab));
		await until(t, ui, frame => /▶ Secret +•{20}/.test(frame), 'the secret field, typed blind');
		t.false(ui.frame().includes(oldSecret.slice(6, 18)), 'the secret typed blind');
		await press(ui, ...Array.from({length: oldSecret.length}, () => keys.backspace), newSecret, keys.tab);
		await until(t, ui, frame => /▶ Ordered +\[ \] any order/.test(frame), 'the ordering toggle');
		await press(ui, ' ');
		await until(t, ui, frame => /▶ Ordered +\[x\] per record, in creation order/.test(frame), 'ordering on');
		await press(ui, keys.ctrlS);
		await until(t, ui, frame => frame.includes('Hook "signed" saved (id 1); the previous secret also signs until'), 'the rotation told');
		const saved = await tool.getHook(hook.id);
		t.like(saved, {secret: newSecret, previousSecret: oldSecret, ordered: true});
		const day = 24 * 60 * 60 * 1000;
		t.true(Math.abs(saved.previousSecretExpiresAt!.getTime() - (Date.now() + day)) < 60_000, 'the old secret signs for a day');
		await until(t, ui, frame => /Order +per record/.test(frame) && /previous secret also signs until/.test(frame), 'the detail pane');

		// Saved again without touching the secret: the rotation window stays as it was.
		await press(ui, 'e');
		await until(t, ui, frame => frame.includes('Edit hook 1: signed'), 'the edit form again');
		await press(ui, keys.ctrlS);
		await until(t, ui, frame => frame.includes('Hook "signed" saved (id 1); running apps'), 'saved with no rotation');
		t.like(await tool.getHook(hook.id), {secret: newSecret, previousSecret: oldSecret, previousSecretExpiresAt: saved.previousSecretExpiresAt});
	} finally {
		ui.unmount();
		await setup.close();
	}
});

dialectTest('hook form: a save after endpoint health disabled the hook is refused with what changed; the hook stays disabled', async (t, database) => {
	const receiver = await startReceiver(() => ({status: 410}));
	const setup = await consoleOn(database);
	const {app, Pet, tool, source} = setup;
	const hook = await app.createHook({name: 'pets', model: 'Pet', signals: ['afterCreate'], targetUrl: receiver.url});
	const ui = await show(t, source, 40);
	try {
		await until(t, ui, frame => /› +1 +pets +Pet +afterCreate +enabled/.test(frame), 'the hook');
		await press(ui, 'e');
		await until(t, ui, frame => frame.includes('Edit hook 1: pets') && /Enabled +\[x\] enabled/.test(frame), 'the edit form, the hook enabled');
		// While the form is open, the sender finds the endpoint gone and disables the hook.
		await Pet.create({name: 'Rex'});
		t.like(await app.sendCallbacks(), {failed: 1});
		t.false((await tool.getHook(hook.id)).enabled);

		await press(ui, ' renamed', keys.ctrlS);
		await until(t, ui, frame => frame.includes('Not saved, the hook changed meanwhile: it was disabled (endpoint answered 410 Gone).'), 'the save refused, saying why');
		t.regex(ui.frame(), /error: Hook "pets" \(id 1\) changed since it was loaded/, 'the library\'s message in the message line');
		t.like(await tool.getHook(hook.id), {name: 'pets', enabled: false, disabledReason: 'endpoint answered 410 Gone'});
	} finally {
		ui.unmount();
		await setup.close();
		await receiver.close();
	}
});

dialectTest('signals screen: add a custom signal, the library\'s error beside the prompt', async (t, database) => {
	const setup = await consoleOn(database);
	const {tool, source} = setup;
	const ui = await show(t, source);
	try {
		await press(ui, '2');
		await until(t, ui, frame => /afterCreate +built-in +0/.test(frame), 'the built-in signals');
		await press(ui, 'n', 'bad name!', keys.enter);
		await until(t, ui, frame => frame.includes('New signal: bad name!') && frame.includes('✗ Signal name "bad name!" is not valid'), 'the error');
		await press(ui, ...Array.from({length: 9}, () => keys.backspace), 'orders.shipped', keys.enter);
		await until(t, ui, frame => frame.includes('Signal "orders.shipped" is ready') && /› orders\.shipped +custom +0/.test(frame), 'the new signal');
		t.like((await tool.listSignals()).find(signal => signal.name === 'orders.shipped'), {builtIn: false});
	} finally {
		ui.unmount();
		await setup.close();
	}
});

dialectTest('callbacks screen: newest first, filter by status and text, details, resend one and all', async (t, database) => {
	const setup = await consoleOn(database);
	const {app, Pet, Owner, tool, source} = setup;
	await app.createHook({name: 'pets', model: 'Pet', signals: ['afterCreate'], targetUrl: 'http://127.0.0.1:9/pets', headers: 'Authorization: Bearer s3cr3t'});
	await app.createHook({name: 'owners', model: 'Owner', signals: ['afterCreate'], targetUrl: 'http://127.0.0.1:9/owners'});
	for (const name of ['Rex', 'Max', 'Bo']) {
		await Pet.create({name});
	}

	await Owner.create({name: 'Ann'});
	await app.models.Callback.update({status: 'error', statusDetails: 'status_code:503', attempts: 1}, {where: {id: 2}});
	await app.models.Attempt.create({callbackId: 2, attempt: 1, startedAt: new Date(), durationMs: 31, statusCode: 503, error: null, responseBody: 'try later'});
	const ui = await show(t, source);
	try {
		await press(ui, '3');
		await until(t, ui, frame => /› +4 .* waiting +owners +created/.test(frame) && /Callback 4 · waiting · 0 attempts/.test(frame), 'the newest callback and its details');
		const ids = ui.frame().split('\n').map(line => /^[› ] +(\d+) /.exec(line)?.[1]).filter(Boolean);
		t.deepEqual(ids, ['4', '3', '2', '1']);

		await press(ui, 's');
		await until(t, ui, frame => frame.includes('Status: waiting') && !/ 2 .* error /.test(frame) && / 3 .* waiting /.test(frame), 'waiting only');
		await press(ui, 's', 's', 's');
		await until(t, ui, frame => frame.includes('Status: error') && /› +2 .* error +pets/.test(frame) && /Status +status_code:503/.test(frame), 'errors only');
		t.regex(ui.frame(), /Authorization: Bearer ••••/);
		t.notRegex(ui.frame(), /s3cr3t/);
		await press(ui, keys.tab, 'G');
		await until(t, ui, frame => /#1 .* · 31 ms · HTTP 503/.test(frame) && frame.includes('response: try later'), 'the attempt, at the end of the detail pane');
		await press(ui, keys.escape);

		await press(ui, 'r');
		await until(t, ui, frame => frame.includes('Callback 2 queued again, due now'), 'the resend');
		t.like((await tool.models.Callback.findByPk(2))?.get({plain: true}), {status: 'waiting', statusDetails: 'requeued by hand'});
		await until(t, ui, frame => frame.includes('No callbacks (status error).'), 'the error list emptied');

		await press(ui, 'x', '/', 'owners', keys.enter);
		await until(t, ui, frame => frame.includes('Search: "owners"') && / 4 .* owners /.test(frame) && !/ 3 .* pets /.test(frame), 'the search');

		await app.models.Callback.update({status: 'error'}, {where: {id: [1, 3]}});
		await press(ui, 'x', 's', 's', 's', 's');
		await until(t, ui, frame => frame.includes('Status: error') && / 3 .* error /.test(frame) && / 1 .* error /.test(frame), 'two errors');
		await press(ui, 'R');
		await until(t, ui, frame => frame.includes('Resend all 2 callbacks (status error)?'), 'the count in the question');
		await press(ui, 'y');
		await until(t, ui, frame => frame.includes('2 callbacks queued again'), 'the resend of all');
		t.deepEqual((await tool.models.Callback.findAll({order: [['id', 'ASC']]})).map(row => row.status), ['waiting', 'waiting', 'waiting', 'waiting']);
	} finally {
		ui.unmount();
		await setup.close();
	}
});

dialectTest('callbacks screen: the cursor stays on its row as new callbacks arrive; the frame fits the terminal', async (t, database) => {
	const setup = await consoleOn(database);
	const {app, Pet, source} = setup;
	await app.createHook({name: 'pets', model: 'Pet', signals: ['afterCreate'], targetUrl: 'http://127.0.0.1:9/pets'});
	for (let index = 0; index < 5; index++) {
		await Pet.create({name: `pet ${index}`});
	}

	const ui = await show(t, source);
	try {
		await press(ui, '3');
		await until(t, ui, frame => /› +5 /.test(frame), 'the list');
		await press(ui, 'j', 'j');
		await until(t, ui, frame => /› +3 /.test(frame), 'the cursor on 3');
		for (let index = 0; index < 3; index++) {
			await Pet.create({name: `new ${index}`});
		}

		await until(t, ui, frame => / 8 .* waiting/.test(frame), 'the new rows');
		t.regex(selectedLine(ui), /^› +3 /);

		resize(ui, 14);
		await until(t, ui, frame => frame.split('\n').length <= 13, 'the smaller frame');
		t.regex(selectedLine(ui), /^› +3 /);
		await press(ui, 'p');
		await until(t, ui, frame => frame.includes('❚❚ paused'), 'the pause');
	} finally {
		ui.unmount();
		await setup.close();
	}
});

dialectTest('callbacks screen: older pages load as the cursor goes down; help lists the keys', async (t, database) => {
	const setup = await consoleOn(database);
	const {app, source} = setup;
	const now = new Date();
	await app.models.Callback.bulkCreate(Array.from({length: 250}, (_, index) => ({
		hookName: 'bulk', eventType: 'created', webhookId: `msg_${index}`, targetUrl: 'http://127.0.0.1:9/bulk', httpMethod: 'POST', headers: '{}',
		status: 'sent' as const, statusDetails: 'status_code:200', attempts: 1, createdAt: now, updatedAt: now,
	})));
	const ui = await show(t, source);
	try {
		await press(ui, '3');
		await until(t, ui, frame => frame.includes('100 loaded, more below') && /› +250 /.test(frame), 'the first page');
		await press(ui, 'G');
		await until(t, ui, frame => frame.includes('200 loaded, more below') && /› +151 /.test(frame), 'the second page');
		await press(ui, 'G');
		await until(t, ui, frame => frame.includes('250 loaded)') && /› +51 /.test(frame), 'the last page');
		await press(ui, 'G');
		await until(t, ui, frame => /› +1 .* sent +bulk/.test(frame), 'the oldest row');

		await press(ui, '?');
		await until(t, ui, frame => frame.includes('Resend every callback of the current filter (asks first, with the count)') && frame.includes('Callbacks screen'), 'the help');
		await press(ui, keys.escape);
		await until(t, ui, frame => !frame.includes('Callbacks screen') && frame.includes('s status · / search'), 'the screen again');
	} finally {
		ui.unmount();
		await setup.close();
	}
});
