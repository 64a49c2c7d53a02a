import process from 'node:process';
import {redact} from '../../source/store/open-database.js';
import {exitCodes} from '../command.js';
import {DatabaseUnavailableError, openHttpHooks} from '../database.js';
import {safeText} from '../safe-text.js';
import {ConsoleSource} from './console-source.js';
import {ConsoleInterrupted} from './interrupted.js';
import {plainSnapshot} from './snapshot.js';

// The console draws on the terminal's alternate screen, so the shell's own lines come back on exit.
const enterAlternateScreen = '\u001B[?1049h\u001B[2J\u001B[H';
const leaveAlternateScreen = '\u001B[?1049l';

/**
 * `hooks-tui` once its flags are read: open the database, then draw the console on a terminal,
 * or print a plain snapshot without one. Returns the exit code.
 */
export async function startConsole(databaseUrl: string | undefined): Promise<number> {
	let opened;
	try {
		opened = await openHttpHooks(databaseUrl);
	} catch (error) {
		if (error instanceof DatabaseUnavailableError) {
			process.stderr.write(`${safeText(error.message, {lines: true})}\n`);
			return exitCodes.unavailable;
		}

		throw error;
	}

	const {httpHooks, sequelize, url} = opened;
	const source = new ConsoleSource(httpHooks, sequelize);
	try {
		if (!process.stdin.isTTY || !process.stdout.isTTY) {
			process.stderr.write('hooks-tui needs a terminal on stdin and stdout; printing a snapshot of the hooks and the newest callbacks instead.\n');
			process.stdout.write(await plainSnapshot(source));
			return exitCodes.ok;
		}

		// Ink and React are optional peers: loaded only to draw, so the snapshot and --help work without them.
		const [{render}, {createElement}, {App}] = await Promise.all([import('ink'), import('react'), import('./app.js')]);
		process.stdout.write(enterAlternateScreen);
		try {
			// Ctrl-C is the console's own key (exit code 130), not Ink's.
			const instance = render(createElement(App, {source, location: redact(url)}), {exitOnCtrlC: false});
			const stop = () => instance.unmount();
			process.once('SIGTERM', stop);
			process.once('SIGHUP', stop);
			try {
				await instance.waitUntilExit();
			} catch (error) {
				if (error instanceof ConsoleInterrupted) {
					return 130;
				}

				throw error;
			}
		} finally {
			process.stdout.write(leaveAlternateScreen);
		}

		return exitCodes.ok;
	} finally {
		await httpHooks.close();
		await sequelize.close();
	}
}

