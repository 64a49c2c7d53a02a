import {spawn} from 'node:child_process';
import {createHash} from 'node:crypto';
import {existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {setTimeout as sleep} from 'node:timers/promises';
import {fileURLToPath} from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

// What the build is made of: a change to any of these makes a new build.
const inputs = ['source', 'cli', 'tsconfig.json', 'tsconfig.build.json', 'package.json'];
// A build takes well under a minute on an idle machine; a busy one gets ten.
const buildTimeoutMs = 10 * 60_000;

export type BuiltPrograms = {directory: string; hooks: string; hooksTui: string};

function files(entry: string): string[] {
	const full = path.join(repoRoot, entry);
	if (!statSync(full).isDirectory()) {
		return [entry];
	}

	return readdirSync(full, {recursive: true, encoding: 'utf8'}).map(name => path.join(entry, name)).filter(name => statSync(path.join(repoRoot, name)).isFile()).sort();
}

/** A hash of every file the build reads: the same sources, the same build. */
export function sourceHash(): string {
	const hash = createHash('sha256');
	for (const file of inputs.flatMap(entry => files(entry))) {
		hash.update(file).update('\0').update(readFileSync(path.join(repoRoot, file))).update('\0');
	}

	return hash.digest('hex').slice(0, 16);
}

function alive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch (error) {
		return (error as NodeJS.ErrnoException).code === 'EPERM';
	}
}

/** A lock whose process is gone, or that is older than any build takes. */
function abandoned(lock: string): boolean {
	try {
		const holder = Number(readFileSync(path.join(lock, 'pid'), 'utf8'));
		return (holder > 0 && !alive(holder)) || statSync(lock).mtimeMs < Date.now() - buildTimeoutMs;
	} catch {
		// No pid yet (the holder is about to write it), or the lock is gone already.
		return false;
	}
}

async function compile(outDir: string): Promise<void> {
	const tsc = path.join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc');
	const child = spawn(process.execPath, [tsc, '-p', 'tsconfig.build.json', '--outDir', outDir], {cwd: repoRoot});
	let output = '';
	child.stdout.on('data', chunk => {
		output += String(chunk);
	});
	await new Promise(resolve => child.on('close', resolve));
	// tsc emits despite type errors (the typecheck reports those); no program at all is a failure.
	if (!existsSync(path.join(outDir, 'cli', 'hooks.js'))) {
		throw new Error(`The build of the programs failed:\n${output}`);
	}
}

/**
 * Build the programs as `npm run build` does, into `.test-build-<hash>` in the repository (so
 * they find its node_modules and package.json), unless a build of the same sources is there.
 * Test processes run in parallel: one builds (holding a lock directory), the others wait for it.
 */
async function build(): Promise<BuiltPrograms> {
	const directory = path.join(repoRoot, `.test-build-${sourceHash()}`);
	const lock = `${directory}.lock`;
	const deadline = Date.now() + buildTimeoutMs;
	while (!existsSync(directory)) {
		if (Date.now() > deadline) {
			throw new Error(`Timed out waiting for the build in ${directory}`);
		}

		try {
			mkdirSync(lock);
		} catch {
			// Another process builds: wait for it, or take over when it died.
			if (abandoned(lock)) {
				rmSync(lock, {recursive: true, force: true});
			}

			await sleep(250);
			continue;
		}

		try {
			writeFileSync(path.join(lock, 'pid'), String(process.pid));
			const building = `${directory}.building-${process.pid}`;
			await compile(building);
			renameSync(building, directory);
			removeOldBuilds(directory);
		} finally {
			rmSync(lock, {recursive: true, force: true});
		}
	}

	// The files package.json's bin names: what `npx hooks` and `npx hooks-tui` run.
	return {directory, hooks: path.join(directory, 'cli', 'hooks-bin.js'), hooksTui: path.join(directory, 'cli', 'hooks-tui-bin.js')};
}

/** Builds of other sources that nobody used for an hour. */
function removeOldBuilds(current: string): void {
	const hourAgo = Date.now() - (60 * 60_000);
	for (const name of readdirSync(repoRoot)) {
		const full = path.join(repoRoot, name);
		if (name.startsWith('.test-build-') && full !== current && !name.endsWith('.lock') && statSync(full).mtimeMs < hourAgo) {
			rmSync(full, {recursive: true, force: true});
		}
	}
}

let built: Promise<BuiltPrograms> | undefined;

/** The built `hooks` and `hooks-tui` of the current sources (built at most once per test run). */
export async function builtPrograms(): Promise<BuiltPrograms> {
	built ??= build();
	return built;
}

// `tsx test/helpers/built-program.ts` builds before the tests start (`npm test` does), so that
// no test waits for the build; run alone, a test builds on demand.
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
	const {directory} = await builtPrograms();
	process.stdout.write(`The programs as built from these sources: ${path.relative(repoRoot, directory)}\n`);
}
