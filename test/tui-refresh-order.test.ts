import {ConsoleSource, type HookRow, type SignalRow} from '../cli/tui/console-source.js';
import {connectHttpHooks, registerHttpHooks} from '../source/index.js';
import {defineAppModels} from './helpers/app.js';
import {eventually} from './helpers/callbacks.js';
import type {TestDatabase} from './helpers/database.js';
import {keys, press, show, until} from './helpers/console-ui.js';
import {dialectTest} from './helpers/dialect-test.js';

type Read = 'signals' | 'hooks' | 'callbacks';

/** The console's source, whose next read of the signals or of the hooks can be held back after it has read. */
class HeldSource extends ConsoleSource {
	finished: Record<Read, number> = {signals: 0, hooks: 0, callbacks: 0};
	/** How many reads of each began, and the latest begun of those that ended (by the order they began). */
	begun: Record<Read, number> = {signals: 0, hooks: 0, callbacks: 0};
	latestEnded: Record<Read, number> = {signals: 0, hooks: 0, callbacks: 0};
	private readonly holds: Partial<Record<Read, {read: () => void; release: Promise<void>}>> = {};

	/** Hold the next read of `what` once it has read; resolves when it has, with the function that lets it end. */
	async holdNext(what: Read): Promise<() => void> {
		let release = () => undefined as void;
		const released = new Promise<void>(resolve => {
			release = resolve;
		});
		await new Promise<void>(read => {
			this.holds[what] = {read, release: released};
		});
		return release;
	}

	override async signals(): Promise<SignalRow[]> {
		return this.held('signals', async () => super.signals());
	}

	override async hooks(): Promise<HookRow[]> {
		return this.held('hooks', async () => super.hooks());
	}

	// The callbacks screen's refresh reads the rows on screen again with this (after the newer ones).
	override async pageCallbacks(...args: Parameters<ConsoleSource['pageCallbacks']>): ReturnType<ConsoleSource['pageCallbacks']> {
		return this.held('callbacks', async () => super.pageCallbacks(...args));
	}

	private async held<T>(what: Read, read: () => Promise<T>): Promise<T> {
		const hold = this.holds[what];
		this.holds[what] = undefined;
		const number = ++this.begun[what];
		const rows = await read();
		if (hold) {
			hold.read();
			await hold.release;
		}

		this.finished[what]++;
		this.latestEnded[what] = Math.max(this.latestEnded[what], number);
		return rows;
	}
}

/** An app that registered its models, and the console on its own connection with a source that can hold reads back. */
async function consoleWithHeldReads(database: TestDatabase) {
	await defineAppModels(database.sequelize);
	const app = await registerHttpHooks(database.sequelize);
	const tool = await connectHttpHooks(database.open(), {migrate: false});
	return {app, tool, source: new HeldSource(tool, tool.sequelize)};
}

dialectTest('signals screen: a refresh that read before a new signal was written, and ends after it is shown, keeps the cursor on it', async (t, database) => {
	const {app, tool, source} = await consoleWithHeldReads(database);
	const ui = await show(t, source);
	let release = () => undefined as void;
	try {
		await press(ui, '2');
		await until(t, ui, frame => /afterCreate +built-in +0/.test(frame), 'the built-in signals');
		// The timer's next refresh reads the signals as they are now, then waits.
		release = await source.holdNext('signals');

		await press(ui, 'n', 'orders.shipped', keys.enter);
		await until(t, ui, frame => frame.includes('Signal "orders.shipped" is ready') && /› orders\.shipped +custom +0/.test(frame), 'the new signal, selected');
		const finished = source.finished.signals;
		release();
		// The held refresh ends with rows older than those shown, and another refresh follows.
		await eventually(async () => (source.finished.signals >= finished + 2 ? true : undefined), 30_000, 'two more refreshes');
		t.regex(ui.frame(), /› orders\.shipped +custom +0/);
	} finally {
		release();
		ui.unmount();
		await tool.close();
		await app.close();
	}
});

dialectTest('hooks screen: a refresh that read before a hook was created in the form, and ends after it is shown, keeps the cursor on it', async (t, database) => {
	const {app, tool, source} = await consoleWithHeldReads(database);
	await app.createHook({name: 'first', model: 'Pet', signals: ['afterCreate'], targetUrl: 'http://127.0.0.1:9/first'});
	await app.createHook({name: 'second', model: 'Pet', signals: ['afterCreate'], targetUrl: 'http://127.0.0.1:9/second'});
	const ui = await show(t, source);
	let release = () => undefined as void;
	try {
		await until(t, ui, frame => /› +1 +first +Pet/.test(frame) && / +2 +second +Pet/.test(frame), 'the two hooks, the first selected');
		// The timer's next refresh reads the two hooks, then waits while a third is created.
		release = await source.holdNext('hooks');

		await press(ui, 'n');
		await until(t, ui, frame => frame.includes('New hook') && /Model +Note/.test(frame), 'the form');
		await press(ui, 'third', keys.tab, keys.right, keys.right, keys.tab, ' ', keys.tab, 'http://127.0.0.1:9/third', keys.ctrlS);
		await until(t, ui, frame => frame.includes('Hook "third" created (id 3)') && /› +3 +third +Pet/.test(frame), 'the new hook, selected');
		const finished = source.finished.hooks;
		release();
		// The held refresh ends with rows older than those shown, and another refresh follows.
		await eventually(async () => (source.finished.hooks >= finished + 2 ? true : undefined), 30_000, 'two more refreshes');
		t.regex(ui.frame(), /› +3 +third +Pet/);
	} finally {
		release();
		ui.unmount();
		await tool.close();
		await app.close();
	}
});

dialectTest('hooks screen: the hook saved in the form is selected once; back from another tab or a form left unsaved, the cursor stays where it was moved', async (t, database) => {
	const {app, tool, source} = await consoleWithHeldReads(database);
	await app.createHook({name: 'first', model: 'Pet', signals: ['afterCreate'], targetUrl: 'http://127.0.0.1:9/first'});
	await app.createHook({name: 'second', model: 'Pet', signals: ['afterCreate'], targetUrl: 'http://127.0.0.1:9/second'});
	const ui = await show(t, source, 40);
	/** Wait for the hooks screen to show a read that began after this call. */
	const aReadShown = async () => {
		const begun = source.begun.hooks;
		await eventually(async () => (source.latestEnded.hooks > begun ? true : undefined), 30_000, 'a read of the hooks');
		await until(t, ui, frame => /Hook \d: /.test(frame), 'the hooks screen');
	};

	try {
		await until(t, ui, frame => /› +1 +first/.test(frame) && / +2 +second/.test(frame), 'the two hooks');
		await press(ui, keys.down, 'e');
		await until(t, ui, frame => frame.includes('Edit hook 2: second'), 'the edit form');
		const saved = aReadShown();
		await press(ui, keys.ctrlS);
		await saved;
		await until(t, ui, frame => frame.includes('Hook "second" saved (id 2)') && /› +2 +second/.test(frame), 'the saved hook, selected');
		await press(ui, keys.up);
		await until(t, ui, frame => /› +1 +first/.test(frame), 'the cursor moved up');

		await press(ui, '2');
		await until(t, ui, frame => frame.includes('Signals ('), 'the signals screen');
		const back = aReadShown();
		await press(ui, '1');
		await back;
		t.regex(ui.frame(), /› +1 +first/, 'back from another tab');

		await press(ui, 'e');
		await until(t, ui, frame => frame.includes('Edit hook 1: first'), 'the edit form of the first hook');
		const left = aReadShown();
		await press(ui, keys.escape);
		await left;
		t.regex(ui.frame(), /› +1 +first/, 'back from a form left unsaved');
	} finally {
		ui.unmount();
		await tool.close();
		await app.close();
	}
});

dialectTest('hooks and signals screens: while a read is under way the timer starts no other (on a slow database reads would pile up)', async (t, database) => {
	const {app, tool, source} = await consoleWithHeldReads(database);
	const ui = await show(t, source);
	const releases: Array<() => void> = [];
	try {
		await eventually(async () => (source.finished.hooks > 0 ? true : undefined), 30_000, 'the hooks screen\'s first read');
		releases.push(await source.holdNext('hooks'));
		const hooksBegun = source.begun.hooks;
		// Seven refresh periods (150 ms): a slower machine only makes fewer timer ticks.
		await new Promise(resolve => setTimeout(resolve, 1050));
		t.is(source.begun.hooks, hooksBegun, 'no hooks read began while one was under way');

		await press(ui, '2');
		releases.push(await source.holdNext('signals'));
		const signalsBegun = source.begun.signals;
		await new Promise(resolve => setTimeout(resolve, 1050));
		t.is(source.begun.signals, signalsBegun, 'no signals read began while one was under way');

		for (const release of releases.splice(0)) {
			release();
		}

		await eventually(async () => (source.begun.signals >= signalsBegun + 2 ? true : undefined), 30_000, 'the timer to read again once the read ended');
	} finally {
		for (const release of releases) {
			release();
		}

		ui.unmount();
		await tool.close();
		await app.close();
	}
});

dialectTest('callbacks screen: a cancel while a refresh that read before it is under way, the list paused, still shows the callback cancelled', async (t, database) => {
	const {app, tool, source} = await consoleWithHeldReads(database);
	await app.createHook({name: 'pets', model: 'Pet', signals: ['afterCreate'], targetUrl: 'http://127.0.0.1:9/pets'});
	const {Pet} = await defineAppModels(database.sequelize);
	await Pet.create({name: 'Rex'});
	await Pet.create({name: 'Max'});
	const ui = await show(t, source);
	let release = () => undefined as void;
	try {
		await press(ui, '3');
		await until(t, ui, frame => /› +2 .* waiting +pets/.test(frame), 'the newest callback, selected');
		// The timer's next refresh reads, then waits; the list is paused meanwhile, so no timer
		// refresh comes after it.
		release = await source.holdNext('callbacks');
		await press(ui, 'p');
		await until(t, ui, frame => frame.includes('paused'), 'the list paused');
		await press(ui, 'c');
		await until(t, ui, frame => frame.includes('Cancel callback 2?'), 'the question');
		await press(ui, 'y');
		await until(t, ui, frame => frame.includes('Callback 2: 1 of 1 cancelled'), 'the cancel');
		release();
		await until(t, ui, frame => /› +2 .* cancelled +pets/.test(frame), 'the callback cancelled in the list');
		t.regex(ui.frame(), /paused/);
	} finally {
		release();
		ui.unmount();
		await tool.close();
		await app.close();
	}
});
