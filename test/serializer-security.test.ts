import {existsSync, mkdtempSync, rmSync, symlinkSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import test from 'ava';
import {connectHttpHooks, registerHttpHooks} from '../source/index.js';
import {checkSerializerName} from '../source/payload/serializer.js';
import {defineAppModels} from './helpers/app.js';
import {callbacksOf} from './helpers/callbacks.js';
import {dialectTest} from './helpers/dialect-test.js';

const url = 'http://127.0.0.1:9/hooks';
const json = 'application/json';
const base = {model: 'Pet', signals: ['afterCreate'], targetUrl: url, contentType: json};
const fixtures = path.resolve('fixtures/serializers');
const globals = globalThis as Record<string, unknown>;

/** `data:` module code that would set a global and write a file when imported. */
function hostileModule(mark: string, file: string): string {
	return `data:text/javascript,import {writeFileSync} from 'node:fs';globalThis.${mark}=1;writeFileSync(${JSON.stringify(file)},'ran');export class S{toRepresentation(){return {}}}#S`;
}

function scratch(t: {teardown(fn: () => void): void}): string {
	const directory = mkdtempSync(path.join(os.tmpdir(), 'http-hooks-serializer-'));
	t.teardown(() => rmSync(directory, {recursive: true, force: true}));
	return directory;
}

test('names are judged by shape: URLs, packages, absolute paths and ".." are refused, naming the value', t => {
	const refused: Array<[string, RegExp]> = [
		['data:text/javascript,export class S{}#S', /"data:text\/javascript,export class S\{\}#S": it is a URL/],
		['file:///etc/passwd#X', /it is a URL/],
		['http://example.com/s.js#S', /it is a URL/],
		['node:fs#readFileSync', /"node:fs#readFileSync": it is a URL/],
		['lodash#map', /"lodash#map": it names a package/],
		['@scope/package/x.js#S', /it names a package/],
		['serializers/user.js#S', /it names a package/],
		['/abs/path.js#S', /absolute path/],
		['../outside.js#S', /"\.\.\/outside\.js#S": it leaves the serializerModules directory/],
		['./a/../../outside.js#S', /leaves the serializerModules directory/],
		['./x.js#not-a-name', /is not an export name/],
		['./x.js', /needs "#ExportName"/],
	];
	for (const [name, message] of refused) {
		t.throws(() => checkSerializerName(name), {name: 'InvalidPayloadError', message}, name);
	}

	t.is(checkSerializerName('UserSerializer'), undefined);
	t.deepEqual(checkSerializerName('./sub/user.js#UserSerializer'), {file: './sub/user.js', exportName: 'UserSerializer'});
});

dialectTest('a data: URL serializer is refused at createHook and nothing runs', async (t, {sequelize}) => {
	await defineAppModels(sequelize);
	const file = path.join(scratch(t), 'ran');
	const httpHooks = await registerHttpHooks(sequelize, {serializerModules: {directory: fixtures}});
	for (const serializerClass of [hostileModule('pwnedAtCreate', file), 'node:fs#readFileSync', 'lodash#map']) {
		await t.throwsAsync(httpHooks.createHook({...base, name: 'x', serializerClass}), {name: 'InvalidPayloadError', message: /^cannot import serializer class ".*": it (is a URL|names a package)/});
	}

	t.is(globals['pwnedAtCreate'], undefined, 'the module code did not run');
	t.false(existsSync(file));
	t.deepEqual(await httpHooks.listHooks(), []);
	await httpHooks.close();
});

dialectTest('a hostile serializer written by plain SQL: the write goes on, the callback is an error, nothing runs', async (t, {sequelize}) => {
	const {Pet} = await defineAppModels(sequelize);
	const file = path.join(scratch(t), 'ran');
	const httpHooks = await registerHttpHooks(sequelize, {serializerModules: {directory: fixtures}});
	const hook = await httpHooks.createHook({...base, name: 'sql'});
	const names = [hostileModule('pwnedAtCapture', file), 'fs#readFileSync', '../serializers/pet-serializer.ts#PetSerializer'];
	for (const [index, name] of names.entries()) {
		await sequelize.query('UPDATE http_hooks SET serializer_class = ?, updated_at = ? WHERE id = ?', {replacements: [name, new Date(Date.now() + ((index + 1) * 1000)), hook.id]});
		await httpHooks.reloadHooks();
		await Pet.create({name: 'Rex'});
	}

	t.is(globals['pwnedAtCapture'], undefined, 'the module code did not run');
	t.false(existsSync(file));
	const callbacks = await callbacksOf(httpHooks);
	t.is(callbacks.length, 3, 'every write went on');
	t.deepEqual(callbacks.map(callback => callback.status), ['error', 'error', 'error']);
	t.regex(callbacks[0]!.statusDetails!, /^InvalidPayloadError: cannot import serializer class "data:text\/javascript,.*it is a URL/);
	t.regex(callbacks[1]!.statusDetails!, /"fs#readFileSync": it names a package/);
	t.regex(callbacks[2]!.statusDetails!, /leaves the serializerModules directory/);
	await httpHooks.close();
});

dialectTest('module serializers need the serializerModules opt-in, then load only files inside its directory', async (t, {sequelize}) => {
	const {Pet} = await defineAppModels(sequelize);
	const outside = scratch(t);
	const directory = scratch(t);
	writeFileSync(path.join(outside, 'outside.mjs'), 'globalThis.outsideLoaded = 1; export class S { toRepresentation() { return {}; } }\n');
	symlinkSync(path.join(outside, 'outside.mjs'), path.join(directory, 'link.mjs'));
	writeFileSync(path.join(directory, 'inside.mjs'), 'export class Inside { toRepresentation(instance) { return {inside: instance.get("name")}; } }\n');

	const withoutOptIn = await registerHttpHooks(sequelize);
	await t.throwsAsync(withoutOptIn.createHook({...base, name: 'x', serializerClass: './pet-serializer.ts#PetSerializer'}), {name: 'InvalidPayloadError', message: /"\.\/pet-serializer\.ts#PetSerializer": .*only where the app opts in with the serializerModules option/});
	await withoutOptIn.close();

	await t.throwsAsync(registerHttpHooks(sequelize, {serializerModules: {directory: 'relative/dir'}}), {message: /serializerModules\.directory "relative\/dir" must be an absolute path/});
	const httpHooks = await registerHttpHooks(sequelize, {serializerModules: {directory}});
	await t.throwsAsync(httpHooks.createHook({...base, name: 'x', serializerClass: './link.mjs#S'}), {name: 'InvalidPayloadError', message: /"\.\/link\.mjs#S": it leads outside the serializerModules directory/});
	await t.throwsAsync(httpHooks.createHook({...base, name: 'x', serializerClass: '../outside.mjs#S'}), {name: 'InvalidPayloadError', message: /leaves the serializerModules directory/});
	await t.throwsAsync(httpHooks.createHook({...base, name: 'x', serializerClass: './missing.mjs#S'}), {name: 'InvalidPayloadError', message: /^cannot import serializer class "\.\/missing\.mjs#S"/});
	await t.throwsAsync(httpHooks.createHook({...base, name: 'x', serializerClass: './inside.mjs#Nope'}), {name: 'InvalidPayloadError', message: /no export "Nope"/});
	t.is(globals['outsideLoaded'], undefined, 'the file behind the link was never imported');
	await httpHooks.createHook({...base, name: 'inside', serializerClass: './inside.mjs#Inside'});
	await Pet.create({name: 'Rex'});
	const [callback] = await callbacksOf(httpHooks);
	t.is(callback!.status, 'waiting');
	t.deepEqual(callback!.json, {inside: 'Rex'});
	await httpHooks.close();
});

dialectTest('the programs\' handle checks a serializer name\'s shape and imports nothing', async (t, {sequelize}) => {
	await defineAppModels(sequelize);
	const app = await registerHttpHooks(sequelize);
	await app.close();
	const file = path.join(scratch(t), 'ran');
	const httpHooks = await connectHttpHooks(sequelize);
	const hook = await httpHooks.createHook({...base, name: 'module', serializerClass: './side-effect.ts#MarkingSerializer'});
	t.is(hook.serializerClass, './side-effect.ts#MarkingSerializer');
	await httpHooks.createHook({...base, name: 'registered', serializerClass: 'UserSerializer'});
	t.is(globals['serializerSideEffect'], undefined, 'the module was not imported');
	await t.throwsAsync(httpHooks.createHook({...base, name: 'x', serializerClass: hostileModule('pwnedInProgram', file)}), {name: 'InvalidPayloadError', message: /it is a URL/});
	await t.throwsAsync(httpHooks.createHook({...base, name: 'x', serializerClass: 'some-package#X'}), {name: 'InvalidPayloadError', message: /it names a package/});
	t.is(globals['pwnedInProgram'], undefined);
	t.false(existsSync(file));
	await httpHooks.close();
});
