#!/usr/bin/env node
import process from 'node:process';
import meow from 'meow';
import {redact} from '../source/store/open-database.js';
import {exitCodes} from './command.js';
import {DatabaseUnavailableError, openHttpHooks} from './database.js';
import {safeText} from './safe-text.js';
import {ConsoleSource} from './tui/console-source.js';
import {ConsoleInterrupted} from './tui/interrupted.js';
import {plainSnapshot} from './tui/snapshot.js';

const help = `
Usage: hooks-tui [--database-url URL]

The interactive console of sequelize-http-hooks: browse, create and edit hooks (their
condition too) and signals, preview the request a hook would send for a record id (v on the
hooks screen, Ctrl-P in the hook form; nothing is sent), watch callbacks live and resend them.
Press ? inside for the keys of each screen.

Flags:
  --database-url URL   Database URL (else DATABASE_URL, else ./http-hooks.sqlite)
  --help               Show this help

Without a terminal (piped, CI) it prints a plain snapshot of the hooks and the newest
callbacks instead, and exits 0. NO_COLOR turns colours off.
Exit codes: 0 ok, 2 usage, 3 database (or a package it needs) unavailable, 130 left with Ctrl-C.

Examples:
  $ hooks-tui
  $ hooks-tui --database-url postgres://user@host/app
  $ hooks-tui --database-url ./app.sqlite | less
`;

// The console draws on the terminal's alternate screen, so the shell's own lines come back on exit.
const enterAlternateScreen = '\u001B[?1049h\u001B[2J\u001B[H';
const leaveAlternateScreen = '\u001B[?1049l';

async function main(): Promise<number> {
	const cli = meow(help, {
		importMeta: import.meta,
		flags: {databaseUrl: {type: 'string'}},
		allowUnknownFlags: false,
	});
	if (cli.input.length > 0) {
		process.stderr.write(`hooks-tui takes no arguments, got ${safeText(JSON.stringify(cli.input.join(' ')))}\nRun \`hooks-tui --help\` for the flags.\n`);
		return exitCodes.usage;
	}

	let opened;
	try {
		opened = await openHttpHooks(cli.flags.databaseUrl);
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
		const [{render}, {createElement}, {App}] = await Promise.all([import('ink'), import('react'), import('./tui/app.js')]);
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

process.exitCode = await main();
