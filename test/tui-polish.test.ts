import test from 'ava';
import {briefDetails} from '../cli/brief-details.js';
import {consoleOn, keys, press, show, until} from './helpers/console-ui.js';
import {dialectTest} from './helpers/dialect-test.js';

const promptLine = (frame: string) => frame.split('\n').find(line => line.includes('Search hook name')) ?? '';

dialectTest('callbacks screen: / opens an empty prompt, even with a search in force', async (t, database) => {
	const setup = await consoleOn(database);
	const {app, Pet, source} = setup;
	await app.createHook({name: 'pets', model: 'Pet', signals: ['afterCreate'], targetUrl: 'http://127.0.0.1:9/pets'});
	await Pet.create({name: 'Rex'});
	const ui = await show(t, source);
	try {
		await press(ui, '3');
		await until(t, ui, frame => /› +1 .* waiting +pets/.test(frame), 'the callback');
		await press(ui, '/');
		await until(t, ui, frame => frame.includes('Search hook name, URL or status details:'), 'the prompt');
		t.regex(promptLine(ui.frame()), /details:\s*$/, 'nothing typed yet');
		await press(ui, 'pets', keys.enter);
		await until(t, ui, frame => frame.includes('Search: "pets"'), 'the search in force');
		await press(ui, '/');
		await until(t, ui, frame => frame.includes('Search hook name, URL or status details:'), 'the prompt again');
		t.regex(promptLine(ui.frame()), /details:\s*$/, 'the prompt starts empty, not with "pets"');
		t.false(promptLine(ui.frame()).includes('pets'));
	} finally {
		ui.unmount();
		await setup.close();
	}
});

dialectTest('hooks screen: / filters the hooks by name, model, signal or URL; an empty search shows them all', async (t, database) => {
	const setup = await consoleOn(database);
	const {app, source} = setup;
	await app.createHook({name: 'pets', model: 'Pet', signals: ['afterCreate'], targetUrl: 'http://127.0.0.1:9/pets'});
	await app.createHook({name: 'new owners', model: 'Owner', signals: ['afterCreate'], targetUrl: 'http://crm.example/in'});
	await app.createHook({name: 'pet updates', model: 'Pet', signals: ['afterUpdate'], targetUrl: 'http://127.0.0.1:9/updates'});
	const ui = await show(t, source);
	try {
		await until(t, ui, frame => frame.includes('Hooks (3)'), 'three hooks');
		await press(ui, '?');
		await until(t, ui, frame => frame.includes('Filter by text in the hook name, model, signals or URL'), 'the key in the help');
		await press(ui, '?');
		await until(t, ui, frame => frame.includes('Hooks (3)'), 'the help closed');
		await press(ui, '/');
		await until(t, ui, frame => frame.includes('Search hook name, model, signals or URL:'), 'the prompt');
		await press(ui, 'CRM', keys.enter);
		await until(t, ui, frame => frame.includes('Hooks (1 of 3 matching "CRM")') && /› +2 +new owners +Owner/.test(frame), 'the hook with crm in its URL');
		t.notRegex(ui.frame(), / pets | pet updates /);

		await press(ui, '/', 'afterupdate', keys.enter);
		await until(t, ui, frame => frame.includes('Hooks (1 of 3 matching "afterupdate")') && /› +3 +pet updates/.test(frame), 'the hook by its signal');
		await press(ui, '/', 'nothing like it', keys.enter);
		await until(t, ui, frame => frame.includes('No hook matches "nothing like it"'), 'no match, said so');
		await press(ui, '/', keys.enter);
		await until(t, ui, frame => frame.includes('Hooks (3)') && / 1 +pets /.test(frame) && / 3 +pet updates /.test(frame), 'every hook again');
		await press(ui, '/', 'x', keys.escape);
		await until(t, ui, frame => !frame.includes('Search hook name') && frame.includes('Hooks (3)'), 'Esc leaves the filter as it was');
	} finally {
		ui.unmount();
		await setup.close();
	}
});

dialectTest('a status message goes after its time', async (t, database) => {
	const setup = await consoleOn(database);
	const {app, source} = setup;
	await app.createHook({name: 'pets', model: 'Pet', signals: ['afterCreate'], targetUrl: 'http://127.0.0.1:9/pets'});
	const ui = await show(t, source, 30, {messageMs: {info: 1500, success: 1500, error: 1500}});
	try {
		await until(t, ui, frame => /› +1 +pets/.test(frame), 'the hook');
		await press(ui, ' ');
		await until(t, ui, frame => frame.includes('ok: Hook "pets" disabled'), 'the outcome');
		await until(t, ui, frame => !frame.includes('ok: Hook "pets" disabled'), 'the outcome gone');
		t.false((await setup.tool.getHook(1)).enabled);
	} finally {
		ui.unmount();
		await setup.close();
	}
});

dialectTest('hook form: the secret is typed masked and never opened in an editor', async (t, database) => {
	const setup = await consoleOn(database);
	const ui = await show(t, setup.source, 40);
	try {
		await press(ui, 'n');
		await until(t, ui, frame => frame.includes('New hook'), 'the form');
		// One field at a time, each move seen on screen before the next (a busy machine renders late).
		const focused = () => ui.frame().split('\n').find(line => line.startsWith('▶')) ?? '';
		for (let tabs = 0; tabs < 20 && !focused().startsWith('▶ Secret'); tabs++) {
			const before = focused();
			await press(ui, keys.tab);
			await until(t, ui, () => focused() !== before, 'the next field');
		}

		await until(t, ui, frame => /▶ Secret/.test(frame), 'the secret field');
		await press(ui, 'whsec_typed', '\u0005');
		await until(t, ui, frame => frame.includes('A secret is typed here, masked; it is never opened in an editor'), 'Ctrl-E refused');
		t.regex(ui.frame(), /▶ Secret +•{11}/);
		t.false(ui.frame().includes('whsec_typed'), 'not shown as typed');
	} finally {
		ui.unmount();
		await setup.close();
	}
});

dialectTest('callbacks screen: DETAILS leads with the error code, not the URL again', async (t, database) => {
	const setup = await consoleOn(database);
	const {app, Pet, source} = setup;
	// Nothing listens on port 9 (discard) here: a refused connection, as the sender writes it.
	await app.createHook({name: 'refused', model: 'Pet', signals: ['afterCreate'], targetUrl: 'http://127.0.0.1:9/refused'});
	await Pet.create({name: 'Rex'});
	await app.sendCallbacks();
	const stored = (await app.models.Callback.findByPk(1))!.statusDetails!;
	t.regex(stored, /ECONNREFUSED/);
	const ui = await show(t, source, 30);
	try {
		await press(ui, '3');
		await until(t, ui, frame => /› +1 .* refused/.test(frame), 'the callback');
		const row = ui.frame().split('\n').find(line => line.startsWith('›'))!;
		t.regex(row, /POST http:\/\/12\S*\s+ECONNREFUSED/, 'the code right after the REQUEST column');
		t.false(row.includes('request to'), 'the URL is not repeated');
	} finally {
		ui.unmount();
		await setup.close();
	}
});

test('briefDetails: the code first, the URL node-fetch repeats dropped, other details as they are', t => {
	t.is(briefDetails('request to http://127.0.0.1:9/x failed, reason: connect ECONNREFUSED 127.0.0.1:9'), 'ECONNREFUSED: connect 127.0.0.1:9');
	t.is(briefDetails('request to https://h.example/ failed, reason: getaddrinfo ENOTFOUND h.example'), 'ENOTFOUND: getaddrinfo h.example');
	t.is(briefDetails('ECONNRESET: socket hang up'), 'ECONNRESET: socket hang up');
	t.is(briefDetails('status_code:503'), 'status_code:503');
	t.is(briefDetails('timeout: no complete response within 15000 ms'), 'timeout: no complete response within 15000 ms');
	t.is(briefDetails('blocked: 127.0.0.1 is a loopback address'), 'blocked: 127.0.0.1 is a loopback address');
	t.is(briefDetails(''), '');
});
