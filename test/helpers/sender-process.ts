import {spawn, type ChildProcess} from 'node:child_process';
import {hooksArgs, repoRoot} from './run-cli.js';

export type Exit = {code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string};

export type SenderProcess = {
	process: ChildProcess;
	/** What it wrote to stderr so far. */
	readonly stderr: string;
	/** True until it exits. */
	readonly alive: boolean;
	exited: Promise<Exit>;
};

/** The real `hooks send-callbacks …` as a child process we can signal, without DATABASE_URL. */
export async function startSender(args: string[]): Promise<SenderProcess> {
	const {DATABASE_URL: _ignored, ...environment} = process.env;
	const child = spawn(process.execPath, await hooksArgs(['send-callbacks', ...args]), {cwd: repoRoot, env: environment});
	let stdout = '';
	let stderr = '';
	let alive = true;
	child.stdout.on('data', chunk => {
		stdout += String(chunk);
	});
	child.stderr.on('data', chunk => {
		stderr += String(chunk);
	});
	const exited = new Promise<Exit>(resolve => {
		child.on('exit', (code, signal) => {
			alive = false;
			resolve({code, signal, stdout, stderr});
		});
	});
	return {
		process: child,
		get stderr() {
			return stderr;
		},
		get alive() {
			return alive;
		},
		exited,
	};
}
