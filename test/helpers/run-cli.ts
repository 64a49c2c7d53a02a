import {execFile} from 'node:child_process';
import {randomUUID} from 'node:crypto';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import type {CallbackAttributes, HttpHooksModels} from '../../source/store/models.js';
import {builtPrograms} from './built-program.js';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export type CliResult = {code: number; stdout: string; stderr: string};

/**
 * The node arguments that run the `hooks` program as users run it: built to JavaScript (from the
 * current sources, see built-program.ts), not through tsx, which would compile it at every start.
 */
export async function hooksArgs(args: string[]): Promise<string[]> {
	return [(await builtPrograms()).hooks, ...args];
}

/** The real `hooks` program as a child process, piped (not a terminal), without DATABASE_URL. */
export async function runHooks(args: string[], environment: NodeJS.ProcessEnv = {}): Promise<CliResult> {
	const {DATABASE_URL: _ignored, ...inherited} = process.env;
	const argv = await hooksArgs(args);
	return new Promise(resolve => {
		execFile(process.execPath, argv, {cwd: repoRoot, env: {...inherited, ...environment}}, (error, stdout, stderr) => {
			const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
			resolve({code, stdout, stderr});
		});
	});
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
