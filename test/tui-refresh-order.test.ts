import {ConsoleSource, type SignalRow} from '../cli/tui/console-source.js';
import {connectHttpHooks, registerHttpHooks} from '../source/index.js';
import {defineAppModels} from './helpers/app.js';
import {eventually} from './helpers/callbacks.js';
import {keys, press, show, until} from './helpers/console-ui.js';
import {dialectTest} from './helpers/dialect-test.js';

/** The console's source, whose next read of the signals can be held back after it has read. */
class HeldSource extends ConsoleSource {
	hold: {read: () => void; release: Promise<void>} | undefined;
	finished = 0;

	override async signals(): Promise<SignalRow[]> {
		const hold = this.hold;
		this.hold = undefined;
		const rows = await super.signals();
		if (hold) {
			hold.read();
			await hold.release;
		}

		this.finished++;
		return rows;
	}
}

dialectTest('signals screen: a refresh that read before a new signal was written, and ends after it is shown, keeps the cursor on it', async (t, database) => {
	await defineAppModels(database.sequelize);
	const app = await registerHttpHooks(database.sequelize);
	const tool = await connectHttpHooks(database.open(), {migrate: false});
	const source = new HeldSource(tool, tool.sequelize);
	const ui = await show(t, source);
	let release = () => undefined as void;
	try {
		await press(ui, '2');
		await until(t, ui, frame => /afterCreate +built-in +0/.test(frame), 'the built-in signals');
		// The timer's next refresh reads the signals as they are now, then waits.
		await new Promise<void>(read => {
			source.hold = {read, release: new Promise(resolve => {
				release = resolve;
			})};
		});

		await press(ui, 'n', 'orders.shipped', keys.enter);
		await until(t, ui, frame => frame.includes('Signal "orders.shipped" is ready') && /› orders\.shipped +custom +0/.test(frame), 'the new signal, selected');
		const finished = source.finished;
		release();
		// The held refresh ends with rows older than those shown, and another refresh follows.
		await eventually(async () => (source.finished >= finished + 2 ? true : undefined), 30_000, 'two more refreshes');
		t.regex(ui.frame(), /› orders\.shipped +custom +0/);
	} finally {
		release();
		ui.unmount();
		await tool.close();
		await app.close();
	}
});
