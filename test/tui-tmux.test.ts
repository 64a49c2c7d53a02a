import {execFileSync} from 'node:child_process';
import {existsSync, mkdtempSync, readFileSync, rmSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import test, {type ExecutionContext} from 'ava';
import {registerHttpHooks, type HttpHooks} from '../source/index.js';
import {defineAppModels} from './helpers/app.js';
import {createTestDatabase} from './helpers/database.js';

const root = path.resolve(import.meta.dirname, '..');
const tmuxBinary = ['/usr/bin/tmux', '/usr/local/bin/tmux', '/opt/homebrew/bin/tmux'].find(candidate => existsSync(candidate));
const tmuxTest = tmuxBinary ? test.serial : test.skip;
const skipNote = tmuxBinary ? '' : ' (tmux is not installed: install it to run this test)';

const quote = (text: string) => `'${text.replaceAll('\'', '\'\\\'\'')}'`;
const delay = async (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

/** The real `hooks-tui` in a tmux pane of its own server (private socket), 120x35 by default. */
function startConsole(databaseUrl: string, environment: Record<string, string>, size = {columns: 120, rows: 35}) {
	const directory = mkdtempSync(path.join(os.tmpdir(), 'hooks-tui-tmux-'));
	const socket = `hooks-tui-${process.pid}-${Math.random().toString(36).slice(2)}`;
	const exitFile = path.join(directory, 'exit-code');
	const tmux = (...args: string[]) => execFileSync(tmuxBinary!, ['-L', socket, '-f', '/dev/null', ...args], {encoding: 'utf8'});
	const variables = Object.entries({CI: 'false', ...environment}).map(([name, value]) => `${name}=${quote(value)}`).join(' ');
	const command = `env ${variables} ${quote(process.execPath)} --import tsx cli/hooks-tui.ts --database-url ${quote(databaseUrl)}; echo $? > ${quote(exitFile)}; sleep 60`;
	tmux('new-session', '-d', '-s', 'console', '-x', String(size.columns), '-y', String(size.rows), '-c', root, command);
	const socketPath = tmux('display-message', '-p', '#{socket_path}').trim();
	return {
		tmux,
		screen: (options: string[] = []) => tmux('capture-pane', '-p', ...options, '-t', 'console'),
		keys: (...keys: string[]) => tmux('send-keys', '-t', 'console', ...keys),
		text: (text: string) => tmux('send-keys', '-t', 'console', '-l', text),
		exitCode: () => existsSync(exitFile) ? readFileSync(exitFile, 'utf8').trim() : undefined,
		close() {
			try {
				tmux('kill-server');
			} catch {}

			rmSync(socketPath, {force: true});
			rmSync(directory, {recursive: true, force: true});
		},
	};
}

type Console = ReturnType<typeof startConsole>;

async function waitFor<T>(t: ExecutionContext, console: Console, check: () => T | undefined | false, what: string, timeoutMs = 30_000): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const value = check();
		if (value !== undefined && value !== false) {
			return value;
		}

		if (Date.now() > deadline) {
			t.log(console.screen());
			throw new Error(`hooks-tui never showed ${what}`);
		}

		await delay(100);
	}
}

/** Make the app write (each write fires the hook once the app has it) until a callback exists. */
async function firstCallback(app: HttpHooks, write: () => Promise<unknown>) {
	const deadline = Date.now() + 15_000;
	while (Date.now() < deadline) {
		await write();
		const found = await app.models.Callback.findOne({order: [['id', 'ASC']]});
		if (found) {
			return found;
		}

		await delay(200);
	}

	throw new Error('the app never picked up the hook made in the console');
}

const showing = (console: Console, pattern: RegExp) => () => pattern.test(console.screen());

/** Colour parameters (30–37, 38, 40–47, 48, 90–97, 100–107) in the SGR sequences of a capture. */
function colourCodes(capture: string): string[] {
	return [...capture.matchAll(/\u001B\[([\d;]*)m/g)]
		.flatMap(match => match[1]!.split(';'))
		.filter(code => /^(3[0-8]|4[0-8]|9[0-7]|10[0-7])$/.test(code));
}

tmuxTest(`hooks-tui in a terminal: a hook made in the form, a callback from another process, resent, quit with 0${skipNote}`, async t => {
	const database = await createTestDatabase('sqlite');
	// The app: its models (the form's model picker offers them) and its writes, in this process.
	const {Pet} = await defineAppModels(database.sequelize);
	const app = await registerHttpHooks(database.sequelize);
	const console = startConsole(database.url, {FORCE_COLOR: '1', EDITOR: `sh ${path.join(root, 'fixtures/tui/headers-editor.sh')}`, VISUAL: ''});
	try {
		await waitFor(t, console, showing(console, /No hooks yet: press n to create one/), 'the empty hooks screen');
		console.keys('n');
		await waitFor(t, console, showing(console, /▶ Name[\s\S]*Model +Note/), 'the form');
		console.text('pets');
		console.keys('Tab', 'Right', 'Right', 'Tab', 'Space', 'Tab');
		console.text('http://127.0.0.1:9/pets');
		console.keys('Tab', 'Tab', 'Tab');
		await waitFor(t, console, showing(console, /▶ Headers/), 'the headers field');
		console.keys('C-e');
		await waitFor(t, console, showing(console, /▶ Headers +api-key: 12345\n +X-Env: test/), 'the headers written in $EDITOR');
		console.keys('Tab');
		await waitFor(t, console, showing(console, / {2}Headers +api-key: ••••\n +X-Env: test/), 'the key masked once the field is left');
		console.keys('C-s');
		await waitFor(t, console, showing(console, /ok: Hook "pets" created \(id 1\)/), 'the hook saved');
		await waitFor(t, console, showing(console, /› +1 +pets +Pet +afterCreate +enabled +0 +0 +POST http:\/\/127\.0\.0\.1:9\/pets/), 'the hook in the list');
		const [hook] = await app.listHooks();
		t.like(hook, {name: 'pets', model: 'Pet', signals: ['afterCreate'], targetUrl: 'http://127.0.0.1:9/pets', headers: 'api-key: 12345\nX-Env: test', enabled: true});

		console.keys('3');
		await waitFor(t, console, showing(console, /No callbacks\./), 'the empty callbacks screen');
		// The app learns of the new hook by itself (no restart, no reload call): it writes until then.
		const callback = await firstCallback(app, async () => Pet.create({name: 'Rex'}));
		await waitFor(t, console, showing(console, new RegExp(`› +${callback.id} +\\S+ +waiting +pets +created +0 +POST http://127\\.0\\.0\\.1:9/pets`)), 'the callback, live');
		await waitFor(t, console, showing(console, new RegExp(`Callback ${callback.id} · waiting · 0 attempts[\\s\\S]*api-key: ••••`)), 'its details, the key masked');
		t.notRegex(console.screen(), /12345/);

		// A failed delivery (as the sender records it), then resend from the console.
		await app.models.Callback.update({status: 'error', statusDetails: 'status_code:500', attempts: 1}, {where: {id: callback.id}});
		await app.models.Attempt.create({callbackId: callback.id, attempt: 1, startedAt: new Date(), durationMs: 12, statusCode: 500, error: null, responseBody: 'boom'});
		await waitFor(t, console, showing(console, new RegExp(`› +${callback.id} +\\S+ +error +pets +created +1 .*status_code:500`)), 'the failure, the cursor on the same row');
		const colours = console.screen(['-e']);
		t.true(colourCodes(colours).length > 0, 'status in colour');
		console.keys('r');
		await waitFor(t, console, showing(console, new RegExp(`ok: Callback ${callback.id} queued again, due now`)), 'the resend');
		await waitFor(t, console, showing(console, new RegExp(`› +${callback.id} +\\S+ +waiting +pets .*requeued by hand`)), 'the callback waiting again');
		t.like((await app.models.Callback.findByPk(callback.id))?.get({plain: true}), {status: 'waiting', statusDetails: 'requeued by hand'});

		console.keys('q');
		t.is(await waitFor(t, console, () => console.exitCode(), 'the exit'), '0');
	} finally {
		console.close();
		await app.close();
		await database.close();
	}
});

tmuxTest(`hooks-tui in a terminal: NO_COLOR means no colour; a resize lays the screen out again${skipNote}`, async t => {
	const database = await createTestDatabase('sqlite');
	await defineAppModels(database.sequelize);
	const app = await registerHttpHooks(database.sequelize);
	await app.createHook({name: 'pets', model: 'Pet', signals: ['afterCreate'], targetUrl: 'http://127.0.0.1:9/pets', enabled: false});
	const console = startConsole(database.url, {FORCE_COLOR: '1', NO_COLOR: '1'});
	try {
		await waitFor(t, console, showing(console, /› +1 +pets +Pet +afterCreate +disabled/), 'the hook');
		const capture = console.screen(['-e']);
		t.deepEqual(colourCodes(capture), [], 'no colour at all');
		t.regex(capture, /\u001B\[[\d;]*7[\d;]*m/, 'the cursor row is still marked (inverse)');
		const lines = console.screen().split('\n');
		t.regex(lines[33]!, /Enter details · n new/, 'the footer on the last line but one');
		t.is(lines[34]!.trim(), '', 'the frame never reaches the last line');

		console.tmux('resize-window', '-t', 'console', '-x', '90', '-y', '20');
		await waitFor(t, console, () => {
			const resized = console.screen().split('\n');
			return resized.length <= 21 && /Enter details/.test(resized[18] ?? '') && resized.every(line => line.length <= 90);
		}, 'the screen laid out for 90x20');
		console.keys('q');
		t.is(await waitFor(t, console, () => console.exitCode(), 'the exit'), '0');
	} finally {
		console.close();
		await app.close();
		await database.close();
	}
});

tmuxTest(`hooks-tui in a terminal: Ctrl-C leaves from anywhere, even a prompt, with exit code 130${skipNote}`, async t => {
	const database = await createTestDatabase('sqlite');
	await defineAppModels(database.sequelize);
	const app = await registerHttpHooks(database.sequelize);
	await app.createHook({name: 'pets', model: 'Pet', signals: ['afterCreate'], targetUrl: 'http://127.0.0.1:9/pets'});
	const console = startConsole(database.url, {});
	try {
		await waitFor(t, console, showing(console, /› +1 +pets +Pet/), 'the hook');
		console.keys('/');
		await waitFor(t, console, showing(console, /Search hook name, model, signals or URL:/), 'the search prompt, which takes typed keys');
		console.keys('C-c');
		t.is(await waitFor(t, console, () => console.exitCode(), 'the exit'), '130');
		t.notRegex(console.screen(), /Error|at .*\.js/, 'no stack trace');
	} finally {
		console.close();
		await app.close();
		await database.close();
	}
});
