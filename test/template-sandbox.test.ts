import test from 'ava';
import type {Model} from 'sequelize';
import {dialectTest} from './helpers/dialect-test.js';
import {defineAppModels} from './helpers/app.js';
import {callbacksOf} from './helpers/callbacks.js';
import {registerHttpHooks, type HttpHooks} from '../source/index.js';
import {compileSandboxed} from '../source/payload/sandbox.js';
import {compileTemplate} from '../source/payload/template.js';

const url = 'http://127.0.0.1:9/hooks';
const marker = globalThis as {__pwned?: string[]};

// Code a template would run if it reached Function: it records its name on globalThis.
const run = (name: string) => `"(globalThis.__pwned ??= []).push('${name}')"`;
// A key that answers "" to the first conversion to text and "constructor" to every later one.
const joinerKey = '{"toString": joiner("constructor")}';
const cyclerKey = '{"toString": cycler("", "constructor", "constructor").next}';

/** Known nunjucks and Jinja sandbox escapes; none may run code, leak a function's text, or read a prototype. */
const escapes: Record<string, string> = {
	'joiner key': `{{ ""[${joinerKey}][${joinerKey}](${run('joiner key')})() }}`,
	'cycler key': `{{ ""[${cyclerKey}][${cyclerKey}](${run('cycler key')})() }}`,
	'computed key': `{% set c = "constr" + "uctor" %}{{ ""[c][c](${run('computed key')})() }}`,
	'joiner key through set': `{% set a = ${joinerKey} %}{% set b = ${joinerKey} %}{% set f = ""[a][b] %}{{ f(${run('set')})() }}`,
	'joiner key through a macro': `{% macro m(a, b) %}{{ ""[a][b](${run('macro')})() }}{% endmacro %}{{ m(${joinerKey}, ${joinerKey}) }}`,
	'joiner key inside caller': `{% macro m() %}{{ caller() }}{% endmacro %}{% call m() %}{{ ""[${joinerKey}][${joinerKey}](${run('caller')})() }}{% endcall %}`,
	'global range': `{{ range[${joinerKey}](${run('range')})() }}`,
	'range.constructor': `{{ range.constructor(${run('range.constructor')})() }}`,
	'Object.prototype name': `{{ toLocaleString[${joinerKey}](${run('toLocaleString')})() }}`,
	'valueOf() to the context': '{{ valueOf()["env"] }}',
	'string constructor': `{{ "x".constructor.constructor(${run('string')})() }}`,
	'string constructor by key': `{{ "x"["constructor"]["constructor"](${run('string key')})() }}`,
	'__proto__': '{{ "x".__proto__ }}{{ instance["__proto__"] }}',
	'prototype': '{{ range.prototype }}',
	'dict key __proto__': '{% set d = {"__proto__": {"a": 1}} %}{{ d.a }}',
	'join by attribute': '{{ [""] | join(",", "constructor") }}',
	'sum by attribute': '{{ [""] | sum("constructor") }}',
	'sort by attribute': '{{ ["b", "a"] | sort(false, false, "constructor") | join(",") }}{{ [""] | sort(attribute="constructor") }}',
	'groupby attribute': '{{ [""] | groupby("constructor") | dump }}',
	'selectattr attribute': '{{ [""] | selectattr("constructor") | length }}',
	'rejectattr attribute': '{{ [""] | rejectattr("constructor") | length }}',
	'dump of a function': '{{ [range] | dump }}{{ range }}',
	'method call on data': '{{ instance.name.toUpperCase() }}',
	'loop over a function': '{% for k, v in range %}{{ k }}{% endfor %}{% for x in range %}{{ x }}{% endfor %}',
	'in operator': '{{ "constructor" in instance }}',
	'include': '{% include "package.json" %}',
	'import': '{% import "package.json" as p %}',
	'extends': '{% extends "package.json" %}',
	'asyncEach': '{% asyncEach k in [""] %}{{ k }}{% endeach %}',
	'regular expression': '{{ instance.name | replace(r/(a+)+$/, "") }}',
};

// Text a template may never produce: a function's source or a prototype's.
const leaks = /native code|function |\[object Context\]|getFilter/;

async function reset(): Promise<void> {
	delete marker.__pwned;
}

/** Put a template into a hook by plain SQL, past validation, as a hook editor with database access could. */
async function forceTemplate(httpHooks: HttpHooks, id: number, fields: {payloadTemplate?: string; headers?: string}): Promise<void> {
	await httpHooks.models.Hook.update(fields, {where: {id}});
}

dialectTest('known sandbox escapes run nothing when a hook is validated, in the payload or in headers', async (t, {sequelize}) => {
	await defineAppModels(sequelize);
	const httpHooks = await registerHttpHooks(sequelize, {logger: {warn() {}}});
	await reset();
	const ran: string[] = [];
	for (const [name, template] of Object.entries(escapes)) {
		const base = {name, model: 'Pet', signals: ['afterCreate'], targetUrl: url, contentType: 'text/plain'};
		for (const fields of [{payloadTemplate: template}, {payloadTemplate: 'x', headers: `X-Test: ${template}`}]) {
			try {
				const hook = await httpHooks.createHook({...base, ...fields});
				await httpHooks.deleteHook(hook.id);
			} catch (error) {
				t.is((error as Error).name === 'InvalidPayloadError' || (error as Error).name === 'InvalidHeadersError', true, `${name}: ${(error as Error).message}`);
			}

			if (marker.__pwned) {
				ran.push(`${name} (${fields.headers ? 'header' : 'payload'})`);
				await reset();
			}
		}
	}

	t.deepEqual(ran, [], 'escapes that ran code at validation');

	await httpHooks.close();
});

dialectTest('known sandbox escapes run nothing when the hooked model is written; the write stands', async (t, {sequelize}) => {
	const {Pet} = await defineAppModels(sequelize);
	const httpHooks = await registerHttpHooks(sequelize, {logger: {warn() {}}});
	await reset();
	const names = Object.keys(escapes);
	for (const name of names) {
		const base = {model: 'Pet', signals: ['afterCreate'], targetUrl: url, contentType: 'text/plain'};
		const payloadHook = await httpHooks.createHook({...base, name: `payload ${name}`, payloadTemplate: 'fine'});
		const headerHook = await httpHooks.createHook({...base, name: `header ${name}`, payloadTemplate: 'fine'});
		await forceTemplate(httpHooks, payloadHook.id, {payloadTemplate: escapes[name]!});
		await forceTemplate(httpHooks, headerHook.id, {headers: `X-Test: ${escapes[name]!}`});
	}

	await httpHooks.reloadHooks();
	const pet = await Pet.create({name: 'Rex', age: 3});
	t.truthy(await Pet.findByPk(pet.get('id') as number), 'the write stands');
	t.is(marker.__pwned, undefined, 'no escape ran code in the app');
	const callbacks = await callbacksOf(httpHooks);
	t.is(callbacks.length, names.length * 2);
	for (const callback of callbacks) {
		t.notRegex(`${callback.payload ?? ''} ${callback.headers}`, leaks, callback.hookName);
		if (callback.status === 'error') {
			t.truthy(callback.statusDetails, callback.hookName);
		}
	}

	await httpHooks.close();
});

test('the joiner escape is refused before it runs, and a key converts to text once', t => {
	delete marker.__pwned;
	t.throws(() => compileSandboxed(escapes['joiner key']!), {message: /joiner/});
	// Without joiner: a key object is not a key at all, whatever its toString says.
	const template = compileSandboxed('{% macro k() %}constructor{% endmacro %}{{ ""[{"toString": k}] }}|{{ {"a": 1}[{"toString": k}] }}');
	t.is(template.render({}), '|');
	t.is(marker.__pwned, undefined);
});

test('plain data still reads: attributes, items, lengths, loops over objects, filters by attribute', t => {
	const template = compileSandboxed([
		'{{ pet.name }} {{ pet["age"] }} {{ pets[1].name }} {{ pets | length }} {{ pet.name.length }} {{ pet.name[0] }}',
		'{% for key, value in pet %}{{ key }}={{ value }};{% endfor %}',
		'{{ pets | sort(attribute="age") | join(",", "name") }} {{ pets | sum("age") }} {{ pets | selectattr("vet") | join(",", "name") }}',
		'{{ pets | groupby("owner.name") | dump }} {{ pet | dictsort | dump }} {{ "e" in pet.name }} {{ "name" in pet }}',
		'{% macro greet(who) %}Hi {{ who }}{% endmacro %}{{ greet(pet.name) }} {{ range(3) | join }}',
	].join('\n'));
	const pets = [{name: 'Rex', age: 3, owner: {name: 'Ann'}, vet: true}, {name: 'Max', age: 1, owner: {name: 'Bob'}}];
	t.is(template.render({pet: {name: 'Rex', age: 3}, pets}), [
		'Rex 3 Max 2 3 R',
		'name=Rex;age=3;',
		'Max,Rex 4 Rex',
		'{"Ann":[{"name":"Rex","age":3,"owner":{"name":"Ann"},"vet":true}],"Bob":[{"name":"Max","age":1,"owner":{"name":"Bob"}}]} [["age",3],["name","Rex"]] true true',
		'Hi Rex 012',
	].join('\n'));
});

test('the context is copied as data: the app\'s objects lend no method, getter or prototype', t => {
	class Secretive {
		visible = 'yes';
		get computed() {
			throw new Error('a getter of the app ran');
		}

		method() {
			return 'a method of the app ran';
		}
	}

	const args = {thing: new Secretive(), when: new Date('2026-01-02T03:04:05.000Z'), callback: () => 'called'};
	const template = compileSandboxed('{{ args.thing.visible }} {{ args.thing.method }} {{ args.when }} {{ args.callback }}|{{ args | dump }}');
	t.is(template.render({args}), 'yes  2026-01-02T03:04:05.000Z |{"thing":{"visible":"yes"},"when":"2026-01-02T03:04:05.000Z"}');
});

// Limits: small ones, so that the tests are quick; a loop of 10^10 iterations must still end.
const tenToTheTen = '{% for a in range(100000) %}{% for b in range(100000) %}x{% endfor %}{% endfor %}';
const nested = '{% for a in range(100) %}{% for b in range(100) %}{% for c in range(100) %}{% for d in range(100) %}{% for e in range(100) %}x{% endfor %}{% endfor %}{% endfor %}{% endfor %}{% endfor %}';

dialectTest('templates have limits: a hook whose sample render passes one is refused, naming the limit', async (t, {sequelize}) => {
	await defineAppModels(sequelize);
	// A generous time limit: here the other limits must be the ones that stop the render.
	const httpHooks = await registerHttpHooks(sequelize, {maxPayloadBytes: 1000, templateMaxIterations: 5000, templateTimeoutMs: 60_000});
	const base = {name: 'limits', model: 'Pet', signals: ['afterCreate'], targetUrl: url, contentType: 'text/plain'};
	await t.throwsAsync(httpHooks.createHook({...base, payloadTemplate: tenToTheTen}), {name: 'InvalidPayloadError', message: /^Payload template asked range\(\) for 100000 numbers, more than 5000 \(option templateMaxIterations\)/});
	await t.throwsAsync(httpHooks.createHook({...base, payloadTemplate: nested}), {name: 'InvalidPayloadError', message: /more than 5000 loop iterations and macro calls \(option templateMaxIterations\)/});
	await t.throwsAsync(httpHooks.createHook({...base, payloadTemplate: '{% macro m(n) %}{{ m(n + 1) }}{{ m(n + 1) }}{% endmacro %}{{ m(0) }}'}), {name: 'InvalidPayloadError', message: /Payload template/});
	await t.throwsAsync(httpHooks.createHook({...base, payloadTemplate: '{{ range(1000000000) | length }}'}), {name: 'InvalidPayloadError', message: /range\(\) for 1000000000 numbers/});
	await t.throwsAsync(httpHooks.createHook({...base, payloadTemplate: '{% for i in range(200) %}0123456789{% endfor %}'}), {name: 'InvalidPayloadError', message: /more than 1000 bytes \(option maxPayloadBytes\)/});
	await t.throwsAsync(httpHooks.createHook({...base, payloadTemplate: '{% set s = "ab" %}{% for i in range(64) %}{% set s = s ~ s %}{% endfor %}{{ s | length }}'}), {name: 'InvalidPayloadError', message: /more than 1000 bytes/});
	await t.throwsAsync(httpHooks.createHook({...base, payloadTemplate: '{{ "x" | center(100000000) }}'}), {name: 'InvalidPayloadError', message: /center width 100000000 is more than the limit of 1000/});
	await t.throwsAsync(httpHooks.createHook({...base, payloadTemplate: 'ok', headers: `X-Loop: ${tenToTheTen}`}), {name: 'InvalidPayloadError', message: /^Header "X-Loop" template .*templateMaxIterations/});
	t.is((await httpHooks.listHooks()).length, 0);
	await httpHooks.close();
});

dialectTest('templates have a time limit too', async (t, {sequelize}) => {
	await defineAppModels(sequelize);
	const httpHooks = await registerHttpHooks(sequelize, {templateTimeoutMs: 1, templateMaxIterations: 100_000_000});
	await t.throwsAsync(httpHooks.createHook({name: 'slow', model: 'Pet', signals: ['afterCreate'], targetUrl: url, contentType: 'text/plain', payloadTemplate: tenToTheTen}),
		{name: 'InvalidPayloadError', message: /^Payload template ran longer than 1 ms \(option templateTimeoutMs\)/});
	await httpHooks.close();
});

class BigSerializer {
	toRepresentation(instance: Model) {
		return {name: String(instance.get('name')).repeat(100)};
	}
}

dialectTest('past a limit at run time, the write goes on and the callback is an error with the reason', async (t, {sequelize}) => {
	const {Pet} = await defineAppModels(sequelize);
	const httpHooks = await registerHttpHooks(sequelize, {maxPayloadBytes: 400, templateMaxIterations: 5000, templateTimeoutMs: 60_000, serializers: {BigSerializer}, logger: {warn() {}}});
	const base = {model: 'Pet', signals: ['afterCreate'], targetUrl: url};
	// Each passes on the sample instance and fails on the real one.
	await httpHooks.createHook({...base, name: 'range', contentType: 'text/plain', payloadTemplate: '{% for i in range(instance.age) %}.{% endfor %}'});
	await httpHooks.createHook({...base, name: 'size', contentType: 'text/plain', payloadTemplate: '{{ instance.name }}{{ instance.name }}'});
	await httpHooks.createHook({...base, name: 'header', contentType: 'text/plain', payloadTemplate: 'ok', headers: 'X-Name: {{ instance.name }}{{ instance.name }}'});
	await httpHooks.createHook({...base, name: 'serializer', contentType: 'application/json', serializerClass: 'BigSerializer'});
	// One put in by plain SQL, past validation: 10^10 iterations.
	const forced = await httpHooks.createHook({...base, name: 'forced', contentType: 'text/plain', payloadTemplate: 'fine'});
	await forceTemplate(httpHooks, forced.id, {payloadTemplate: tenToTheTen});
	await httpHooks.reloadHooks();

	const pet = await Pet.create({name: 'n'.repeat(250), age: 10_000});
	t.truthy(await Pet.findByPk(pet.get('id') as number), 'the write stands');
	const details = Object.fromEntries((await callbacksOf(httpHooks)).map(callback => [callback.hookName, `${callback.status}: ${callback.statusDetails}`]));
	t.regex(details['range']!, /^error: InvalidPayloadError: Payload template asked range\(\) for 10000 numbers, more than 5000 \(option templateMaxIterations\)/);
	t.regex(details['size']!, /^error: InvalidPayloadError: Payload template produced more than 400 bytes \(option maxPayloadBytes\)/);
	t.regex(details['header']!, /^error: InvalidPayloadError: Header "X-Name" template produced more than 400 bytes/);
	t.regex(details['serializer']!, /^error: InvalidPayloadError: Payload is larger than 400 bytes \(option maxPayloadBytes\)/);
	t.regex(details['forced']!, /^error: InvalidPayloadError: Payload template .*templateMaxIterations/);
	await httpHooks.close();
});

test('limit options must be whole numbers in their range', async t => {
	const {Sequelize} = await import('sequelize');
	const sequelize = new Sequelize({dialect: 'sqlite', storage: ':memory:', logging: false});
	await t.throwsAsync(registerHttpHooks(sequelize, {maxPayloadBytes: 0}), {message: /^maxPayloadBytes must be a whole number from 1 to \d+, got "?0"?/});
	await t.throwsAsync(registerHttpHooks(sequelize, {templateTimeoutMs: 1.5}), {message: /^templateTimeoutMs must be a whole number from 1 to \d+, got "?1\.5"?/});
	await sequelize.close();
});

test('what the sandbox refuses is named when the template is compiled', t => {
	const refusals: Array<[string, RegExp]> = [
		['{% include "package.json" %}', /^Payload template may not use \{% include %\}/],
		['{% from "x" import y %}', /^Payload template may not use \{% from … import %\}/],
		['{% extends "x" %}', /^Payload template may not use \{% extends %\}/],
		['{{ joiner() }}', /^Payload template may not use joiner\(\)/],
		['{{ cycler(1, 2) }}', /^Payload template may not use cycler\(\)/],
		['{{ "a" | replace(r/a/, "b") }}', /^Payload template may not use regular expressions/],
		['{{ {"__proto__": 1} }}', /^Payload template may not use "__proto__"/],
		['{{ x | urlize }}', /filter not found: urlize/],
	];
	for (const [source, message] of refusals) {
		t.throws(() => compileTemplate(source, null).render({}), {name: 'InvalidPayloadError', message}, source);
	}
});

test('data that shares its parts cannot print, dump or grow past the size limit', t => {
	const limits = {timeoutMs: 60_000, maxIterations: 1000, maxOutputBytes: 1000};
	const doubling = '{% set a = ["0123456789"] %}{% for i in range(40) %}{% set a = [a, a] %}{% endfor %}';
	for (const source of [
		`${doubling}{{ a }}`,
		`${doubling}{{ a | json }}`,
		`${doubling}{{ a | dump(2) }}`,
		`${doubling}{{ a | join(",") }}`,
		'{% set s = "0123456789" %}{% for i in range(3) %}{% set s = s | replace("", s) %}{% endfor %}{{ s | length }}',
		'{{ "\n\n\n\n\n\n\n\n\n\n\n\n" | indent(900) }}',
		'{{ "abc" | center(5000) }}',
	]) {
		t.throws(() => compileSandboxed(source).render({}, {limits}), {name: 'TemplateLimitError', message: /more than (the limit of )?1000/}, source);
	}

	t.is(compileSandboxed('{{ "a-b-c" | replace("-", "+", 1) }} {{ "ab" | replace("", ".") }} {{ [[1, 2], 3] }} {{ [1, "x"] | json }}').render({}, {limits}), 'a+b-c .a.b. 1,2,3 [1,"x"]');
});
