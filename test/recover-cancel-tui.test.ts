import test, {type ExecutionContext} from 'ava';
import {render} from 'ink-testing-library';
import {createElement} from 'react';
import {App} from '../cli/tui/app.js';
import {ConsoleSource} from '../cli/tui/console-source.js';
import {cancelOutcome, cancelPlan, cancelQuestion} from '../cli/tui/state/cancel-plan.js';
import {callbacksReducer, initialCallbacks} from '../cli/tui/state/callbacks-state.js';
import {createTheme} from '../cli/tui/theme.js';
import {connectHttpHooks, registerHttpHooks} from '../source/index.js';
import {defineAppModels} from './helpers/app.js';
import {dialectTest} from './helpers/dialect-test.js';

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
	const deadline = Date.now() + 30_000;
	while (!check(ui.frame())) {
		if (Date.now() > deadline) {
			t.log(ui.frame());
			throw new Error(`the console never showed ${what}`);
		}

		await tick();
	}
}

test('cancel plan: the filter\'s status when it can be cancelled, both open ones without, none for a final one', t => {
	t.deepEqual(cancelPlan({}), {statuses: ['waiting', 'sending']});
	t.deepEqual(cancelPlan({status: 'sending', hookId: 3}), {statuses: ['sending']});
	for (const status of ['sent', 'error', 'cancelled'] as const) {
		t.deepEqual(cancelPlan({status}), {refused: `${status} callbacks are final: nothing to cancel`});
	}

	t.is(cancelQuestion(3, 'all 3 waiting callbacks', ' (status waiting)'), 'Cancel all 3 waiting callbacks (status waiting)? They are never sent then (hooks resend --status cancelled brings one back)');
	t.is(cancelOutcome({cancelled: 2, wereSending: 1, stillSending: 0}, 3), '2 of 3 cancelled · 1 attempts under way ended first · 1 reached a final status first');
	// The status filter goes through cancelled too.
	let state = initialCallbacks(5);
	for (let index = 0; index < 5; index++) {
		state = callbacksReducer(state, {type: 'cycleStatus'});
	}

	t.is(state.filter.status, 'cancelled');
});

dialectTest('callbacks screen: c cancels the selected callback and C the whole filter, each after asking with the count', async (t, database) => {
	const {Pet} = await defineAppModels(database.sequelize);
	const app = await registerHttpHooks(database.sequelize);
	const connection = database.open();
	const tool = await connectHttpHooks(connection, {migrate: false});
	await app.createHook({name: 'pets', model: 'Pet', signals: ['afterCreate'], targetUrl: 'http://127.0.0.1:9/pets'});
	for (const name of ['Rex', 'Max', 'Bo', 'Kit']) {
		await Pet.create({name});
	}

	await app.models.Callback.update({status: 'sent'}, {where: {id: 1}});
	const instance = render(createElement(App, {source: new ConsoleSource(tool, connection), location: 'test database', refreshMs: 150, messageMs: {info: 600_000, success: 600_000, error: 600_000}, theme: createTheme({})}));
	const ui: Ui = Object.assign(instance, {frame: () => instance.lastFrame() ?? ''});
	Object.defineProperty(ui.stdout, 'rows', {value: 30, configurable: true});
	ui.stdout.emit('resize');
	const statuses = async () => (await tool.models.Callback.findAll({order: [['id', 'ASC']]})).map(row => row.status);
	try {
		await until(t, ui, frame => frame.includes('? help · q quit'), 'its footer');
		await press(ui, '3');
		await until(t, ui, frame => /› +4 .* waiting +pets/.test(frame), 'the newest callback');
		// The footer is full: the keys are in the help, made from the same table.
		await press(ui, '?');
		await until(t, ui, frame => /c +Cancel the callback: never sent then \(asks first\)/.test(frame) && /C +Cancel every waiting or sending callback of the current filter/.test(frame), 'the keys in the help');
		await press(ui, '?');
		await until(t, ui, frame => /› +4 .* waiting +pets/.test(frame), 'the list again');

		await press(ui, 'c');
		await until(t, ui, frame => frame.includes('Cancel callback 4? It is never sent then'), 'the question');
		await press(ui, 'n');
		await tick();
		t.deepEqual(await statuses(), ['sent', 'waiting', 'waiting', 'waiting'], 'no: nothing cancelled');
		await press(ui, 'c');
		await until(t, ui, frame => frame.includes('Cancel callback 4?'), 'the question again');
		await press(ui, 'y');
		await until(t, ui, frame => frame.includes('Callback 4: 1 of 1 cancelled') && /› +4 .* cancelled +pets/.test(frame), 'the cancel, in the list');
		t.deepEqual(await statuses(), ['sent', 'waiting', 'waiting', 'cancelled']);

		await press(ui, 'c');
		await until(t, ui, frame => frame.includes('Callback 4 is cancelled: final, nothing to cancel'), 'a final one is refused');

		await press(ui, 'C');
		await until(t, ui, frame => frame.includes('Cancel all 2 waiting or sending callbacks? They are never sent then'), 'the count in the question');
		await press(ui, 'y');
		await until(t, ui, frame => frame.includes('2 of 2 cancelled'), 'the cancel of all');
		t.deepEqual(await statuses(), ['sent', 'cancelled', 'cancelled', 'cancelled']);

		await press(ui, 's', 's', 's', 's', 's');
		await until(t, ui, frame => frame.includes('Status: cancelled') && / 3 .* cancelled /.test(frame) && !/ 1 .* sent /.test(frame), 'the cancelled filter');
		await press(ui, 'C');
		await until(t, ui, frame => frame.includes('cancelled callbacks are final: nothing to cancel'), 'nothing to cancel');
	} finally {
		ui.unmount();
		await tool.close();
		await app.close();
	}
});
