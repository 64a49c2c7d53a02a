// What the benchmarks of the real programs share: the programs compiled as `npm run build`
// compiles them, and a child process measured for wall time and peak RSS.
import {spawn, spawnSync} from 'node:child_process';
import {existsSync, mkdtempSync, symlinkSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';

export const repoRoot = fileURLToPath(new URL('..', import.meta.url));

// Loaded before the program: prints the process's peak RSS (getrusage ru_maxrss, in KiB) at exit.
const reportPeak = `data:text/javascript,${encodeURIComponent('process.on("exit", () => process.stderr.write(`\\npeak-rss-kib=${process.resourceUsage().maxRSS}\\n`));')}`;

/** Compile the library and the programs into a new temporary directory (its node_modules a link); returns the directory. */
export function buildInto(prefix: string): string {
	const directory = mkdtempSync(path.join(os.tmpdir(), prefix));
	symlinkSync(path.join(repoRoot, 'node_modules'), path.join(directory, 'node_modules'));
	const tsc = path.join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc');
	spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json', '--outDir', directory], {cwd: repoRoot, stdio: 'ignore'});
	if (!existsSync(path.join(directory, 'cli', 'hooks.js'))) {
		throw new Error('The build produced no cli/hooks.js');
	}

	return directory;
}

export type MeasuredRun = {seconds: number; peakMiB: number; code: number | null; stdout: string; stderr: string};

/** Run `node <args>` from the repository and measure it; a run that reports no peak RSS is an error. */
export async function measureNode(args: string[]): Promise<MeasuredRun> {
	const started = process.hrtime.bigint();
	const child = spawn(process.execPath, ['--import', reportPeak, ...args], {cwd: repoRoot});
	let stdout = '';
	let stderr = '';
	child.stdout.on('data', (chunk: Buffer) => {
		stdout += chunk.toString();
	});
	child.stderr.on('data', (chunk: Buffer) => {
		stderr += chunk.toString();
	});
	const code = await new Promise<number | null>(resolve => child.on('close', resolve));
	const seconds = Number(process.hrtime.bigint() - started) / 1e9;
	const peak = /peak-rss-kib=(\d+)/.exec(stderr);
	if (!peak) {
		throw new Error(`node ${args.join(' ')} exited ${code} without a peak RSS: ${stderr}`);
	}

	return {seconds, peakMiB: Number(peak[1]) / 1024, code, stdout: stdout.trim(), stderr};
}
