import {spawn} from 'node:child_process';
import {randomUUID} from 'node:crypto';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import type {CallbackAttributes, HttpHooksModels} from '../../source/store/models.js';
import {builtPrograms} from './built-program.js';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export type CliResult = {code: number; stdout: string; stderr: string};

export type RunOptions = {
	/** Variables over the test process's own; DATABASE_URL is left out unless given here. */
	env?: NodeJS.ProcessEnv;
	/** Text for the program's stdin; without it, stdin is closed at once. */
	input?: string;
	/** The working directory; the repository's root unless given. */
	cwd?: string;
	/** Node's own arguments, before the program's file (e.g. `--import` of a module). */
	nodeArgs?: string[];
};

/**
 * A node program (`argv`: its file and arguments) as a child process with pipes for stdin,
 * stdout and stderr (not a terminal); its exit code and everything it wrote.
 */
export async function runNode(argv: string[], {env = {}, input, cwd = repoRoot, nodeArgs = []}: RunOptions = {}): Promise<CliResult> {
	const {DATABASE_URL: _ignored, ...inherited} = process.env;
	const child = spawn(process.execPath, [...nodeArgs, ...argv], {cwd, env: {...inherited, ...env}});
	let stdout = '';
	let stderr = '';
	child.stdout.on('data', chunk => {
		stdout += String(chunk);
	});
	child.stderr.on('data', chunk => {
		stderr += String(chunk);
	});
	// A program that exits without reading its stdin must not fail the test with EPIPE.
	child.stdin.on('error', () => undefined);
	child.stdin.end(input);
	const code = await new Promise<number>((resolve, reject) => {
		child.on('error', reject);
		child.on('close', exit => resolve(exit ?? 1));
	});
	return {code, stdout, stderr};
}

/**
 * The node arguments that run the `hooks` program as users run it: built to JavaScript (from the
 * current sources, see built-program.ts), not through tsx, which would compile it at every start.
 */
export async function hooksArgs(args: string[]): Promise<string[]> {
	return [(await builtPrograms()).hooks, ...args];
}

/**
 * The real `hooks` program, built (see hooksArgs), or with `fromSource` its TypeScript run
 * through tsx: what `npm run hooks` and a developer's checkout run.
 */
export async function runHooks(args: string[], {fromSource = false, ...options}: RunOptions & {fromSource?: boolean} = {}): Promise<CliResult> {
	if (fromSource) {
		return runNode([path.join(repoRoot, 'cli', 'hooks.ts'), ...args], {...options, nodeArgs: ['--import', 'tsx', ...options.nodeArgs ?? []]});
	}

	return runNode(await hooksArgs(args), options);
}

/** The real, built `hooks-tui` program; with pipes, so not on a terminal. */
export async function runHooksTui(args: string[], options: RunOptions = {}): Promise<CliResult> {
	return runNode([(await builtPrograms()).hooksTui, ...args], options);
}

const minute = 60_000;

/** A time `minutes` before now. */
export function minutesAgo(minutes: number): Date {
	return new Date(Date.now() - (minutes * minute));
}

/** A time `days` before now. */
export function daysAgo(days: number): Date {
	return minutesAgo(days * 24 * 60);
}

/** Insert callbacks straight through the model, with chosen statuses and times. */
export async function insertCallbacks(models: HttpHooksModels, count: number, fields: Partial<CallbackAttributes> = {}): Promise<number[]> {
	const rows = Array.from({length: count}, (_, index) => ({
		hookName: 'test hook',
		model: 'Pet',
		objectId: String(index + 1),
		eventType: 'created',
		webhookId: `msg_${randomUUID()}`,
		targetUrl: 'http://127.0.0.1:9/hooks',
		httpMethod: 'POST',
		contentType: 'application/json',
		headers: '{}',
		payload: '{}',
		status: 'waiting' as const,
		...fields,
	}));
	const created = await models.Callback.bulkCreate(rows);
	return created.map(row => row.id);
}
