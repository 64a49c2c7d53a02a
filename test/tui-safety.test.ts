import test, {type ExecutionContext} from 'ava';
import {render} from 'ink-testing-library';
import {createElement} from 'react';
import {App} from '../cli/tui/app.js';
import {ConsoleSource} from '../cli/tui/console-source.js';
import {plainSnapshot} from '../cli/tui/snapshot.js';
import {createTheme} from '../cli/tui/theme.js';
import {connectHttpHooks, registerHttpHooks} from '../source/index.js';
import {defineAppModels} from './helpers/app.js';
import type {TestDatabase} from './helpers/database.js';
import {dialectTest} from './helpers/dialect-test.js';

const evilName = 'evil\u001B]0;pwned\u0007\u001B[31mred\u202Eabc';
const evilShown = String.raw`evil\x1b]0;pwned\x07\x1b[31mred\u202eabc`;
const evilBody = 'busy\u001B]0;retitled\u0007\u001B[2J\u001B[31m try later';
const evilBodyShown = String.raw`busy\x1b]0;retitled\x07\x1b[2J\x1b[31m try later`;
const headers = 'X-Auth-Key: auth-key-value-1\nOcp-Apim-Subscription-Key: 0123456789abcdef0123456789abcdef\nX-Env: production';
const secrets = ['auth-key-value-1', '0123456789abcdef0123456789abcdef', 'url-token-8', 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', 'MfKQ9r'];

// Ink's own styling (SGR) is allowed; any other control character in a frame came from user text.
const withoutStyling = (frame: string) => frame.replaceAll(/\u001B\[[\d;]*m/g, '');
const rawControl = /[\u0000-\u0009\u000B-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/;

type Ui = ReturnType<typeof render> & {frame(): string};

const tick = async () => new Promise(resolve => setTimeout(resolve, 15));

async function press(ui: Ui, ...inputs: string[]) {
	for (const input of inputs) {
		await tick();
		ui.stdin.write(input);
		await tick();
	}
}

async function until(t: ExecutionContext, ui: Ui, check: (frame: string) => boolean, what: string) {
	const deadline = Date.now() + 60_000;
	while (!check(withoutStyling(ui.frame()))) {
		if (Date.now() > deadline) {
			t.log(ui.frame());
			throw new Error(`the console never showed ${what}`);
		}

		await tick();
	}
}

/** A hook edited by plain SQL to a hostile name, with credentials, and a callback a hostile receiver answered. */
async function hostileConsole(database: TestDatabase) {
	await defineAppModels(database.sequelize);
	const app = await registerHttpHooks(database.sequelize);
	const hook = await app.createHook({
		name: 'plain', model: 'Pet', signals: ['afterCreate'], targetUrl: 'http://127.0.0.1:9/pets?token=url-token-8&lang=en',
		headers, secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
	});
	await app.models.Hook.update({name: evilName}, {where: {id: hook.id}});
	const callback = await app.models.Callback.create({
		hookId: hook.id, hookName: evilName, model: 'Pet', objectId: '1', eventType: 'created', webhookId: 'msg_1',
		targetUrl: 'http://127.0.0.1:9/pets?token=url-token-8&lang=en', httpMethod: 'POST', contentType: 'application/json',
		headers: JSON.stringify({'X-Auth-Key': 'auth-key-value-1', 'X-Env': 'production'}), payload: '{"name":"\\u001b[31mred"}',
		status: 'error', statusDetails: 'reset by \u001B]0;owned\u0007 peer', attempts: 1,
	});
	await app.models.Attempt.create({callbackId: callback.id, attempt: 1, startedAt: new Date(), durationMs: 31, statusCode: 503, error: null, responseBody: evilBody});
	const connection = database.open();
	const tool = await connectHttpHooks(connection, {migrate: false});
	return {
		source: new ConsoleSource(tool, connection),
		async close() {
			await tool.close();
			await app.close();
		},
	};
}

dialectTest('console: user text shown escaped, credentials masked, in lists, details, the form and the snapshot', async (t, database) => {
	const setup = await hostileConsole(database);
	const instance = render(createElement(App, {source: setup.source, location: 'postgres://app:***@db\u001B]0;x\u0007', refreshMs: 150, messageMs: {info: 600_000, success: 600_000, error: 600_000}, theme: createTheme({})}));
	const ui: Ui = Object.assign(instance, {frame: () => instance.lastFrame() ?? ''});
	Object.defineProperty(ui.stdout, 'rows', {value: 40, configurable: true});
	Object.defineProperty(ui.stdout, 'columns', {value: 160, configurable: true});
	ui.stdout.emit('resize');
	const checkFrame = (where: string) => {
		const frame = ui.frame();
		t.notRegex(withoutStyling(frame), rawControl, `${where}: no raw control character besides Ink's styling`);
		for (const secret of secrets) {
			t.false(frame.includes(secret), `${where}: ${secret} not shown`);
		}
	};

	try {
		await until(t, ui, frame => frame.includes('Hook 1: evil') && /X-Env: production/.test(frame), 'the hook and its detail');
		const frame = withoutStyling(ui.frame());
		t.true(frame.includes(`Hook 1 · ${evilShown}`), 'the detail heading escaped');
		t.true(frame.includes(String.raw`evil\x1b]0;pwned\x07`), 'the list row escaped');
		t.regex(frame, /X-Auth-Key: ••••\n/);
		t.regex(frame, /Ocp-Apim-Subscription-Key: ••••ef/);
		t.regex(frame, /\?token=••••&lang=en/);
		t.regex(frame, /Secret +set \(never shown\)/);
		t.true(frame.includes(String.raw`db\x1b]0;x\x07`), 'the title escaped');
		checkFrame('hooks screen');

		await press(ui, 'e');
		await until(t, ui, frame => frame.includes('Edit hook 1') && /Secret +•••• set \(never shown\)/.test(frame), 'the form');
		t.true(withoutStyling(ui.frame()).includes(String.raw`\x1b]0;pwned\x07`), 'the name field escaped');
		checkFrame('hook form');
		await press(ui, '\u001B');
		await until(t, ui, frame => !frame.includes('Edit hook 1'), 'the form closed');

		await press(ui, '3');
		await until(t, ui, frame => frame.includes('Callback 1 · error') && frame.includes('response: busy'), 'the callback and its attempt');
		const callbacks = withoutStyling(ui.frame());
		t.true(callbacks.includes(`response: ${evilBodyShown}`), 'the response body escaped');
		t.true(callbacks.includes(String.raw`reset by \x1b]0;owned\x07 peer`), 'the status details escaped');
		t.regex(callbacks, /X-Auth-Key: ••••/);
		checkFrame('callbacks screen');
	} finally {
		ui.unmount();
	}

	try {
		const snapshot = await plainSnapshot(setup.source);
		t.notRegex(snapshot, rawControl);
		t.true(snapshot.includes(String.raw`evil\x1b]0;pwned`));
		for (const secret of secrets) {
			t.false(snapshot.includes(secret), `snapshot: ${secret} not shown`);
		}
	} finally {
		await setup.close();
	}
});

test('the console\'s messages show user text escaped', async t => {
	const {MessageLine} = await import('../cli/tui/components/message-line.js');
	const {ConsoleContext} = await import('../cli/tui/console-context.js');
	const services = {theme: createTheme({})} as never;
	const shown = render(createElement(ConsoleContext.Provider, {value: services}, createElement(MessageLine, {message: {text: `Hook "${evilName}" deleted`, tone: 'success'}})));
	t.true(withoutStyling(shown.lastFrame() ?? '').includes(`Hook "${evilShown}" deleted`));
	t.notRegex(withoutStyling(shown.lastFrame() ?? ''), rawControl);
	shown.unmount();
});
