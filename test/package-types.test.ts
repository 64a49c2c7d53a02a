import {execFile} from 'node:child_process';
import {mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import test from 'ava';
import {repoRoot} from './helpers/run-cli.js';

const tsc = path.join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc');

async function compile(project: string): Promise<{code: number; output: string}> {
	return new Promise(resolve => {
		execFile(process.execPath, [tsc, '-p', project], {cwd: path.dirname(project)}, (error, stdout, stderr) => {
			resolve({code: error ? Number((error as {code?: number}).code) : 0, output: stdout + stderr});
		});
	});
}

function writeJson(file: string, value: unknown): void {
	writeFileSync(file, JSON.stringify(value, null, '\t'));
}

/**
 * An app directory with this package as installed: its declaration files emitted from source/
 * into node_modules/sequelize-http-hooks, next to links to the other installed packages.
 */
async function buildApp(): Promise<string> {
	const app = mkdtempSync(path.join(os.tmpdir(), 'http-hooks-types-'));
	builtDirectory = app;
	const modules = path.join(app, 'node_modules');
	mkdirSync(modules);
	for (const name of readdirSync(path.join(repoRoot, 'node_modules'))) {
		if (name !== '.bin') {
			symlinkSync(path.join(repoRoot, 'node_modules', name), path.join(modules, name));
		}
	}

	const installed = path.join(modules, 'sequelize-http-hooks');
	mkdirSync(installed);
	writeJson(path.join(installed, 'package.json'), {
		name: 'sequelize-http-hooks', type: 'module', types: './dist/index.d.ts',
		exports: {'.': {types: './dist/index.d.ts', default: './dist/index.js'}},
	});
	const build = path.join(app, 'tsconfig.declarations.json');
	writeJson(build, {
		extends: path.join(repoRoot, 'tsconfig.json'),
		compilerOptions: {declaration: true, emitDeclarationOnly: true, sourceMap: false, rootDir: path.join(repoRoot, 'source'), outDir: path.join(installed, 'dist')},
		include: [path.join(repoRoot, 'source')],
	});
	const emitted = await compile(build);
	if (emitted.code !== 0) {
		throw new Error(`The declarations did not build:\n${emitted.output}`);
	}

	writeJson(path.join(app, 'package.json'), {name: 'app', type: 'module', private: true});
	return app;
}

// Built once (emitting the declarations takes a while), for both tests.
let built: Promise<string> | undefined;
let builtDirectory: string | undefined;
test.after.always(() => {
	if (builtDirectory) {
		rmSync(builtDirectory, {recursive: true, force: true});
	}
});
async function appWithDeclarations(): Promise<string> {
	built ??= buildApp();
	return built;
}

const strict = {strict: true, target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', lib: ['ES2023'], noEmit: true, skipLibCheck: false};

test('the README\'s Quick start type-checks under strict against the published declarations', async t => {
	t.timeout(300_000, 'emitting the declarations of source/ on a busy machine');
	const readme = readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
	const section = readme.slice(readme.indexOf('\n## Quick start\n'));
	const code = /```ts\n([\s\S]*?)```/.exec(section)?.[1];
	t.truthy(code, 'README.md has a ```ts block under ## Quick start');
	const app = await appWithDeclarations();
	writeFileSync(path.join(app, 'quick-start.ts'), code!);
	writeJson(path.join(app, 'tsconfig.quick-start.json'), {compilerOptions: {...strict, types: ['node']}, files: ['quick-start.ts']});
	const {code: exit, output} = await compile(path.join(app, 'tsconfig.quick-start.json'));
	t.log(output);
	t.is(output, '');
	t.is(exit, 0);
});

test('model options take httpHooks without a cast; signal names are a union; the declarations need no global types', async t => {
	t.timeout(300_000, 'emitting the declarations of source/ on a busy machine');
	const app = await appWithDeclarations();
	writeFileSync(path.join(app, 'app.ts'), `import {DataTypes, Model, type Sequelize} from 'sequelize';
import {registerHttpHooks, type BuiltInSignal, type HookInput, type SignalName} from 'sequelize-http-hooks';

export function defineModels(sequelize: Sequelize) {
	class Account extends Model {}
	Account.init({iban: DataTypes.STRING, pin: DataTypes.STRING}, {sequelize, httpHooks: {hidden: ['pin']}});
	const User = sequelize.define('User', {name: DataTypes.STRING, passwordHash: DataTypes.STRING}, {httpHooks: {hidden: ['passwordHash']}});
	// @ts-expect-error hidden is a list of attribute names, not one name
	sequelize.define('Bad', {secret: DataTypes.STRING}, {httpHooks: {hidden: 'secret'}});
	return {Account, User};
}

const builtIn: BuiltInSignal = 'afterCreate';
// @ts-expect-error a built-in signal is one of Sequelize's hook names
export const typo: BuiltInSignal = 'afterCreated';
export const signals: SignalName[] = [builtIn, 'orders.shipped'];
export const input: HookInput = {name: 'user created', model: 'User', signals, targetUrl: 'https://example.com/hooks'};
export const register: typeof registerHttpHooks = registerHttpHooks;
`);
	// No automatic global types: what the declarations need (Node's types, like Sequelize's), they load themselves.
	writeJson(path.join(app, 'tsconfig.app.json'), {compilerOptions: {...strict, types: []}, files: ['app.ts']});
	const {code, output} = await compile(path.join(app, 'tsconfig.app.json'));
	const ours = output.split('\n').filter(line => line.includes('sequelize-http-hooks') || line.startsWith('app.ts'));
	t.deepEqual(ours, [], output);
	t.is(code, 0, output);
});
