#!/usr/bin/env node
import process from 'node:process';
import meow from 'meow';
import {exitCodes} from './command.js';
import {safeText} from './safe-text.js';

// Nothing here imports the library, Sequelize, Ink or React: `hooks-tui --help` and --version
// answer at once (as `hooks --help` does); the console and its database load once the flags are read.
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

	const {startConsole} = await import('./tui/start-console.js');
	return startConsole(cli.flags.databaseUrl);
}

process.exitCode = await main();
