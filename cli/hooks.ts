#!/usr/bin/env node
import {existsSync, readFileSync} from 'node:fs';
import process from 'node:process';
import {fileURLToPath} from 'node:url';
import meow from 'meow';
import {HttpHooksError} from '../source/errors.js';
import {closestName} from './closest-name.js';
import {exitCodes, UsageError, type Command, type Io} from './command.js';
import {commands} from './commands/index.js';
import {DatabaseUnavailableError, unwritableDatabase} from './database.js';
import {flagSynopsis, unknownFlag} from './flag-names.js';
import {missingPackage} from './missing-package.js';
import {safeText} from './safe-text.js';

// Nothing here imports the library's database code (Sequelize, the drivers): `hooks --help`,
// `hooks -v`, a command's --help and an unknown flag start fast. A command's module is loaded when
// it runs (commands/index.ts), and it imports what needs the database when it connects.

function globalHelp(): string {
	const width = Math.max(...commands.map(command => command.name.length));
	return [
		'Usage: hooks <command> [flags]',
		'',
		'Commands:',
		...commands.map(command => `  ${command.name.padEnd(width)}  ${command.summary}`),
		'',
		'Every command takes --database-url URL (else DATABASE_URL, else ./http-hooks.sqlite)',
		'and --help; `hooks --version` (or -v, version) prints the version.',
		'Exit codes: 0 ok, 1 the command\'s failure outcome, 2 usage (an unknown flag, a bad value,',
		'a surplus argument), 3 database unavailable (unreachable, not migrated, a directory, read-only);',
		'monitor-callbacks uses the monitoring-plugin codes: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN.',
		'',
		'Run `hooks <command> --help` for the flags and examples of one command.',
	].join('\n');
}

function commandHelp(command: Command): string {
	const flags = Object.entries(command.flags).map(([name, flag]) => `  ${flagSynopsis(name, flag.type === 'boolean' ? undefined : flag.placeholder ?? 'VALUE').padEnd(22)} ${flag.description}`);
	return [
		`Usage: hooks ${command.usage}`,
		'',
		command.help,
		'',
		'Flags:',
		...flags,
		`  ${'--help'.padEnd(22)} Show this help`,
		'',
		'Examples:',
		...command.examples.map(example => `  $ ${example}`),
	].join('\n');
}

/** A message on stderr: its text may come from the database or the command line, so escaped. */
function printError(message: string): void {
	process.stderr.write(`${safeText(message, {lines: true})}\n`);
}

/**
 * The version in the package's package.json: one directory up from cli/ when run from source,
 * two from dist/cli/ when built.
 */
function packageVersion(): string {
	for (const candidate of ['../package.json', '../../package.json']) {
		const file = fileURLToPath(new URL(candidate, import.meta.url));
		if (existsSync(file)) {
			const manifest = JSON.parse(readFileSync(file, 'utf8')) as {name?: string; version?: string};
			if (manifest.name === 'sequelize-http-hooks' && manifest.version) {
				return manifest.version;
			}
		}
	}

	return 'unknown';
}

function usageError(message: string): never {
	printError(message);
	process.exit(exitCodes.usage);
}

async function main(): Promise<number> {
	const [name, ...rest] = process.argv.slice(2);
	if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
		(name === undefined ? process.stderr : process.stdout).write(`${globalHelp()}\n`);
		return name === undefined ? exitCodes.usage : exitCodes.ok;
	}

	if (name === '--version' || name === '-v' || name === 'version') {
		process.stdout.write(`${packageVersion()}\n`);
		return exitCodes.ok;
	}

	const entry = commands.find(candidate => candidate.name === name);
	if (!entry) {
		const closest = closestName(name, commands.map(candidate => candidate.name));
		usageError(`Unknown command ${JSON.stringify(name)}${closest ? `: did you mean \`hooks ${closest}\`?` : '.'}\n\n${globalHelp()}`);
	}

	const command = await entry.load();
	if (rest.includes('--help') || rest.includes('-h')) {
		process.stdout.write(`${commandHelp(command)}\n`);
		return exitCodes.ok;
	}

	const unknown = unknownFlag(rest, command);
	if (unknown) {
		usageError(`Unknown flag ${unknown.typed}${unknown.suggestion ? `: did you mean ${unknown.suggestion}?` : ''}\nRun \`hooks ${command.name} --help\` for the flags.`);
	}

	let cli;
	try {
		cli = meow(commandHelp(command), {
			importMeta: import.meta,
			argv: rest,
			flags: command.flags as never,
			allowUnknownFlags: false,
			autoHelp: false,
			autoVersion: false,
		});
	} catch (error) {
		usageError(`${(error as Error).message}\nRun \`hooks ${command.name} --help\` for the flags.`);
	}

	if (!command.takesArguments && cli.input.length > 0) {
		usageError(`Unexpected argument ${JSON.stringify(cli.input[0])}: \`hooks ${command.name}\` takes flags only.\nRun \`hooks ${command.name} --help\` for the flags.`);
	}

	const controller = new AbortController();
	const stop = () => {
		if (controller.signal.aborted) {
			// A second Ctrl-C: the user insists.
			process.exit(130);
		}

		controller.abort();
	};

	process.on('SIGINT', stop);
	process.on('SIGTERM', stop);
	const io: Io = {stdout: process.stdout, stderr: process.stderr, interactive: Boolean(process.stdout.isTTY), stopSignal: controller.signal};
	try {
		return await command.run(cli.input, cli.flags as Record<string, unknown>, io);
	} catch (error) {
		if (error instanceof UsageError) {
			printError(`${error.message}\nRun \`hooks ${command.name} --help\` for the flags.`);
			return exitCodes.usage;
		}

		if (error instanceof DatabaseUnavailableError) {
			printError(error.message);
			return exitCodes.unavailable;
		}

		if (error instanceof HttpHooksError) {
			printError(`${error.name}: ${error.message}`);
			return exitCodes.failure;
		}

		// Sequelize or the database's driver not installed (they are the app's): one line, like a database it cannot use.
		const missing = missingPackage(error);
		if (missing) {
			printError(missing);
			return exitCodes.unavailable;
		}

		const unwritable = unwritableDatabase(error, (cli.flags as Record<string, unknown>)['databaseUrl'] as string | undefined);
		if (unwritable) {
			printError(unwritable.message);
			return exitCodes.unavailable;
		}

		// Not expected: the whole story for a bug report, escaped like every other message.
		printError(error instanceof Error ? error.stack ?? `${error.name}: ${error.message}` : String(error));
		return exitCodes.failure;
	} finally {
		process.off('SIGINT', stop);
		process.off('SIGTERM', stop);
	}
}

process.exitCode = await main();
