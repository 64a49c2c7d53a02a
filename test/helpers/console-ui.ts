import type {ExecutionContext} from 'ava';
import {render} from 'ink-testing-library';
import {createElement} from 'react';
import {App, type AppProps} from '../../cli/tui/app.js';
import {ConsoleSource} from '../../cli/tui/console-source.js';
import {createTheme} from '../../cli/tui/theme.js';
import {connectHttpHooks, registerHttpHooks} from '../../source/index.js';
import {defineAppModels} from './app.js';
import type {TestDatabase} from './database.js';

export const keys = {
	up: '\u001B[A', down: '\u001B[B', right: '\u001B[C', left: '\u001B[D', enter: '\r', escape: '\u001B', tab: '\t',
	ctrlS: '\u0013', ctrlP: '\u0010', backspace: '\u007F',
};

/** An app that registered its models and makes callbacks, and the console on its own connection (no app code). */
export async function consoleOn(database: TestDatabase) {
	const models = await defineAppModels(database.sequelize);
	const app = await registerHttpHooks(database.sequelize);
	const connection = database.open();
	const tool = await connectHttpHooks(connection, {migrate: false});
	return {
		app, ...models, tool, source: new ConsoleSource(tool, connection),
		async close() {
			await tool.close();
			await app.close();
		},
	};
}

export type Ui = ReturnType<typeof render> & {rows: number; frame(): string};

const tick = async () => new Promise(resolve => setTimeout(resolve, 15));

/** Wait for the screen to show something; fails with the last frame after a generous deadline. */
export async function until(t: ExecutionContext, ui: Ui, check: (frame: string) => boolean, what: string) {
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

/**
 * The console on a 100x`rows` screen, once it listens to keys (its footer shows them). Messages
 * stay (a busy machine may take longer than their time to show what a test waits for next).
 */
export async function show(t: ExecutionContext, source: ConsoleSource, rows = 30, props: Partial<AppProps> = {}): Promise<Ui> {
	const instance = render(createElement(App, {source, location: 'test database', refreshMs: 150, messageMs: {info: 600_000, success: 600_000, error: 600_000}, theme: createTheme({}), ...props}));
	const ui = Object.assign(instance, {rows, frame: () => instance.lastFrame() ?? ''});
	Object.defineProperty(ui.stdout, 'rows', {value: rows, configurable: true});
	ui.stdout.emit('resize');
	await until(t, ui, frame => frame.includes('? help · q quit'), 'its footer');
	return ui;
}

/** Press keys one at a time, with a tick before and after each (Ink reads input asynchronously). */
export async function press(ui: Ui, ...inputs: string[]) {
	for (const input of inputs) {
		await tick();
		ui.stdin.write(input);
		await tick();
	}
}
