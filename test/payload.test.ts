import path from 'node:path';
import test from 'ava';
import {dialectTest} from './helpers/dialect-test.js';
import {defineAppModels} from './helpers/app.js';
import {callbacksOf} from './helpers/callbacks.js';
import {registerHttpHooks} from '../source/index.js';
import type {Model} from 'sequelize';

const url = 'http://127.0.0.1:9/hooks';
const json = 'application/json';

dialectTest('the default payload: type, id, event and every attribute but the key and hidden ones', async (t, {sequelize}) => {
	const {Owner} = await defineAppModels(sequelize);
	const httpHooks = await registerHttpHooks(sequelize);
	await httpHooks.createHook({name: 'owners', model: 'Owner', signals: ['afterCreate'], targetUrl: url});
	const owner = await Owner.create({name: 'Ann', email: 'ann@example.com', passwordHash: 'secret-hash'});
	const [callback] = await callbacksOf(httpHooks);
	t.is(callback!.json.object_type, 'Owner');
	t.is(callback!.json.object_id, owner.get('id'));
	t.is(callback!.json.event_type, 'created');
	t.deepEqual(Object.keys(callback!.json.object_serialization).sort(), ['createdAt', 'email', 'name', 'updatedAt']);
	t.is(callback!.json.object_serialization.name, 'Ann');
	t.false(callback!.payload!.includes('secret-hash'));
	t.deepEqual(callback!.headerMap, {'Content-Type': json}, 'no content type given: the default payload is JSON');
	await httpHooks.close();
});

dialectTest('a JSON template escapes values for JSON strings; | json writes any value', async (t, {sequelize}) => {
	const {Pet} = await defineAppModels(sequelize);
	const httpHooks = await registerHttpHooks(sequelize);
	await httpHooks.createHook({name: 'json', model: 'Pet', signals: ['afterCreate'], targetUrl: url, contentType: json,
		payloadTemplate: '{"id": {{instance.id}}, "name": "{{instance.name}}", "event_type": "{{event_type}}", "whole": {{instance | json}}, "model": "{{model}}"}'});
	const tricky = 'Rex "the dog" \\ <b>&\n\ttab ünïcödé 🐕';
	const pet = await Pet.create({name: tricky, age: 3});
	const [callback] = await callbacksOf(httpHooks);
	t.is(callback!.status, 'waiting');
	t.is(callback!.json.id, pet.get('id'));
	t.is(callback!.json.name, tricky);
	t.is(callback!.json.event_type, 'created');
	t.is(callback!.json.model, 'Pet');
	t.like(callback!.json.whole, {name: tricky, age: 3});
	await httpHooks.close();
});

dialectTest('an XML template escapes values for XML', async (t, {sequelize}) => {
	const {Pet} = await defineAppModels(sequelize);
	const httpHooks = await registerHttpHooks(sequelize);
	await httpHooks.createHook({name: 'xml', model: 'Pet', signals: ['afterCreate'], targetUrl: url, contentType: 'application/xml',
		payloadTemplate: '<pet id="{{instance.id}}" name="{{instance.name}}"><event>{{event_type}}</event><name>{{instance.name}}</name></pet>'});
	await Pet.create({name: 'Tom & "Jerry" <3'});
	const [callback] = await callbacksOf(httpHooks);
	t.is(callback!.status, 'waiting');
	t.regex(callback!.payload!, /<name>Tom &amp; &quot;Jerry&quot; &lt;3<\/name>/);
	t.is(callback!.headerMap['Content-Type'], 'application/xml');
	await httpHooks.close();
});

dialectTest('invalid JSON and XML templates are refused when the hook is created', async (t, {sequelize}) => {
	await defineAppModels(sequelize);
	const httpHooks = await registerHttpHooks(sequelize);
	const base = {name: 'bad', model: 'Pet', signals: ['afterCreate'], targetUrl: url};
	await t.throwsAsync(httpHooks.createHook({...base, contentType: json, payloadTemplate: '{"id": {{instance.id}},}'}), {name: 'InvalidPayloadError', message: /^Payload is an invalid JSON: .*"\{\\"id\\": 1,\}"/});
	await t.throwsAsync(httpHooks.createHook({...base, contentType: 'text/xml', payloadTemplate: '<pet>{{instance.name}}</pett>'}), {name: 'InvalidPayloadError', message: /^Payload is an invalid XML: /});
	await t.throwsAsync(httpHooks.createHook({...base, contentType: json, payloadTemplate: '{"x": "{{ instance.nope }}"}'}), {name: 'InvalidPayloadError', message: /instance\.nope.*"nope"/});
	await t.throwsAsync(httpHooks.createHook({...base, contentType: json, payloadTemplate: '{"x": "{% if %}"}'}), {name: 'InvalidPayloadError', message: /does not compile/});
	await t.throwsAsync(httpHooks.createHook({...base, model: 'Owner', contentType: json, payloadTemplate: '{"x": "{{ instance.passwordHash }}"}'}), {name: 'InvalidPayloadError', message: /hides/});
	await t.throwsAsync(httpHooks.createHook({...base, contentType: 'text/xml'}), {name: 'InvalidPayloadError', message: /needs a payload template/});
	t.is((await httpHooks.listHooks()).length, 0);
	await httpHooks.close();
});

dialectTest('a template reads associations through dotted paths', async (t, {sequelize}) => {
	const {Owner, Pet} = await defineAppModels(sequelize);
	const httpHooks = await registerHttpHooks(sequelize);
	await httpHooks.createHook({name: 'nested', model: 'Pet', signals: ['afterCreate'], targetUrl: url, contentType: json,
		payloadTemplate: '{"pet": "{{instance.name}}", "owner": "{{instance.owner.name}}", "owner_pets": [{% for pet in instance.owner.pets %}"{{pet.name}}"{% if not loop.last %},{% endif %}{% endfor %}]}'});
	await httpHooks.createHook({name: 'owner pets', model: 'Owner', signals: ['afterUpdate'], targetUrl: url, contentType: json,
		payloadTemplate: '{"pets": {{instance.pets | json}}}'});
	const owner = await Owner.create({name: 'Ann'});
	await sequelize.transaction(async transaction => {
		await Pet.create({name: 'Rex', ownerId: owner.get('id')}, {transaction});
		await Pet.create({name: 'Max', ownerId: owner.get('id')}, {transaction});
	});
	await Pet.create({name: 'Stray'});
	await owner.update({name: 'Ann B.'});
	const callbacks = await callbacksOf(httpHooks);
	t.deepEqual(callbacks.slice(0, 3).map(callback => callback.json), [
		{pet: 'Rex', owner: 'Ann', owner_pets: ['Rex']},
		{pet: 'Max', owner: 'Ann', owner_pets: ['Rex', 'Max']},
		{pet: 'Stray', owner: '', owner_pets: []},
	]);
	t.deepEqual(callbacks[3]!.json.pets.map((pet: {name: string}) => pet.name).sort(), ['Max', 'Rex']);
	await httpHooks.close();
});

dialectTest('changed and previous describe an update', async (t, {sequelize}) => {
	const {Pet} = await defineAppModels(sequelize);
	const httpHooks = await registerHttpHooks(sequelize);
	await httpHooks.createHook({name: 'changes', model: 'Pet', signals: ['afterCreate', 'afterUpdate'], targetUrl: url, contentType: json,
		payloadTemplate: '{"changed": {{changed | json}}, "previous": {{previous | json}}}'});
	const pet = await Pet.create({name: 'Rex', age: 1});
	await pet.update({name: 'Max', age: 2});
	const [created, updated] = await callbacksOf(httpHooks);
	t.deepEqual(created!.json, {changed: [], previous: {}});
	t.deepEqual(updated!.json.changed.filter((name: string) => name !== 'updatedAt').sort(), ['age', 'name']);
	t.like(updated!.json.previous, {name: 'Rex', age: 1});
	await httpHooks.close();
});

dialectTest('templates see data only: no model methods, no prototypes', async (t, {sequelize}) => {
	const {Pet} = await defineAppModels(sequelize);
	const httpHooks = await registerHttpHooks(sequelize, {logger: {warn() {}}});
	const base = {name: 'sandbox', model: 'Pet', signals: ['afterCreate'], targetUrl: url, contentType: 'text/plain'};
	await t.throwsAsync(httpHooks.createHook({...base, payloadTemplate: '{{ range.constructor("return process")() }}'}), {name: 'InvalidPayloadError', message: /"constructor"/});
	await t.throwsAsync(httpHooks.createHook({...base, payloadTemplate: '{{ instance["__proto__"] }}'}), {name: 'InvalidPayloadError', message: /"__proto__"/});
	// Calling a model method fails the render (at creation already, on the made-up instance)…
	await t.throwsAsync(httpHooks.createHook({...base, payloadTemplate: '{{ instance.destroy() }}'}), {name: 'InvalidPayloadError'});
	// …and when such a hook gets in anyway (plain SQL), the write stands and nothing is destroyed.
	const hook = await httpHooks.createHook({...base, payloadTemplate: 'fine'});
	await httpHooks.models.Hook.update({payloadTemplate: '{% set k = "destroy" %}{{ instance[k]() }}{% set c = "constr" + "uctor" %}{{ instance[c] }}'}, {where: {id: hook.id}});
	await httpHooks.reloadHooks();
	const pet = await Pet.create({name: 'Rex'});
	t.truthy(await Pet.findByPk(pet.get('id') as number), 'the instance was not destroyed');
	const [callback] = await callbacksOf(httpHooks);
	t.is(callback!.status, 'error');
	t.regex(callback!.statusDetails!, /Unable to call/);
	await httpHooks.close();
});

class RegisteredSerializer {
	toRepresentation(instance: Model) {
		return {registered: true, name: instance.get('name')};
	}
}

dialectTest('serializers: registered or by module, sync or async; unknown ones are refused', async (t, {sequelize}) => {
	const {Pet} = await defineAppModels(sequelize);
	const httpHooks = await registerHttpHooks(sequelize, {
		serializers: {RegisteredSerializer, AsyncObject: {toRepresentation: async (instance: Model) => ({object: instance.get('name')})}},
		serializerModules: {directory: path.resolve('fixtures/serializers')},
	});
	const base = {model: 'Pet', signals: ['afterCreate'], targetUrl: url, contentType: json};
	await httpHooks.createHook({...base, name: 'registered', serializerClass: 'RegisteredSerializer'});
	await httpHooks.createHook({...base, name: 'object', serializerClass: 'AsyncObject'});
	await httpHooks.createHook({...base, name: 'module', serializerClass: './pet-serializer.ts#PetSerializer'});
	await httpHooks.createHook({...base, name: 'template wins', serializerClass: 'RegisteredSerializer', payloadTemplate: '{"template": true}'});
	await t.throwsAsync(httpHooks.createHook({...base, name: 'x', serializerClass: 'NoSuchSerializer'}), {name: 'InvalidPayloadError', message: /^cannot import serializer class "NoSuchSerializer"/});
	await t.throwsAsync(httpHooks.createHook({...base, name: 'x', serializerClass: './missing.ts#X'}), {name: 'InvalidPayloadError', message: /^cannot import serializer class ".\/missing.ts#X"/});
	await t.throwsAsync(httpHooks.createHook({...base, name: 'x', serializerClass: './pet-serializer.ts#notASerializer'}), {name: 'InvalidPayloadError', message: /no toRepresentation/});
	await Pet.create({name: 'Rex'});
	const payloads = Object.fromEntries((await callbacksOf(httpHooks)).map(callback => [callback.hookName, callback.json]));
	t.deepEqual(payloads, {
		registered: {registered: true, name: 'Rex'},
		object: {object: 'Rex'},
		module: {kind: 'pet', name: 'Rex', shout: 'REX'},
		'template wins': {template: true},
	});
	await httpHooks.close();
});

dialectTest('headers are parsed, stored with the callback, and may use the template context', async (t, {sequelize}) => {
	const {Pet} = await defineAppModels(sequelize);
	const httpHooks = await registerHttpHooks(sequelize);
	await httpHooks.createHook({name: 'headers', model: 'Pet', signals: ['afterCreate'], targetUrl: url, contentType: json,
		headers: 'api-key: 12345\r\nX-Url: http://example.com:8080/x\n\ncontent-type: text/evil\nX-Pet: {{instance.name}}\n'});
	await Pet.create({name: 'Rex'});
	const [callback] = await callbacksOf(httpHooks);
	t.deepEqual(callback!.headerMap, {'api-key': '12345', 'X-Url': 'http://example.com:8080/x', 'X-Pet': 'Rex', 'Content-Type': json});
	await t.throwsAsync(httpHooks.createHook({name: 'bad', model: 'Pet', signals: ['afterCreate'], targetUrl: url, headers: 'api-key 12345'}), {name: 'InvalidHeadersError', message: /"api-key 12345"/});
	await httpHooks.close();
});

dialectTest('invalid hooks are refused with the bad value named', async (t, {sequelize}) => {
	await defineAppModels(sequelize);
	const httpHooks = await registerHttpHooks(sequelize);
	const base = {name: 'x', model: 'Pet', signals: ['afterCreate'], targetUrl: url};
	const cases: Array<[object, string, RegExp, string]> = [
		[{signals: ['post_save']}, 'InvalidSignalError', /"post_save"/, 'signals'],
		[{signals: []}, 'InvalidSignalError', /at least one signal/, 'signals'],
		[{model: 'Unicorn'}, 'InvalidHookError', /"Unicorn".*known models: .*Pet/, 'model'],
		[{targetUrl: 'not a url'}, 'InvalidHookError', /"not a url"/, 'targetUrl'],
		[{targetUrl: 'ftp://example.com/x'}, 'InvalidHookError', /"ftp"/, 'targetUrl'],
		[{httpMethod: 'YELL'}, 'InvalidHookError', /"YELL"/, 'httpMethod'],
		[{contentType: 'image/png'}, 'InvalidHookError', /"image\/png"/, 'contentType'],
		[{name: '  '}, 'InvalidHookError', /name " {2}" is empty/, 'name'],
		[{secret: 'hunter2'}, 'InvalidHookError', /whsec_/, 'secret'],
	];
	for (const [change, name, message, field] of cases) {
		const error = await t.throwsAsync(httpHooks.createHook({...base, ...change}), {name, message});
		t.is((error as {field?: string}).field, field);
	}

	t.is((await httpHooks.listHooks()).length, 0);
	await httpHooks.close();
});

dialectTest('hooks can be listed, changed and deleted', async (t, {sequelize}) => {
	await defineAppModels(sequelize);
	const httpHooks = await registerHttpHooks(sequelize);
	const hook = await httpHooks.createHook({name: 'a', model: 'Pet', signals: ['afterCreate'], targetUrl: url, httpMethod: 'put', secret: `whsec_${Buffer.alloc(24, 7).toString('base64')}`});
	t.like(hook, {name: 'a', model: 'Pet', httpMethod: 'PUT', enabled: true, contentType: null, signals: ['afterCreate']});
	const changed = await httpHooks.updateHook(hook.id, {signals: ['afterUpdate', 'afterDestroy'], targetUrl: `${url}/new`});
	t.deepEqual(changed.signals, ['afterDestroy', 'afterUpdate']);
	t.is(changed.targetUrl, `${url}/new`);
	await t.throwsAsync(httpHooks.updateHook(hook.id, {targetUrl: 'nope'}), {name: 'InvalidHookError'});
	t.is((await httpHooks.getHook(hook.id)).targetUrl, `${url}/new`, 'a refused change changes nothing');
	await httpHooks.deleteHook(hook.id);
	t.deepEqual(await httpHooks.listHooks(), []);
	await t.throwsAsync(httpHooks.deleteHook(hook.id), {message: /No hook with id 1|No hook with id/});
	await httpHooks.close();
});

test('the app\'s sync() leaves the library\'s tables alone', async t => {
	const {createTestDatabase} = await import('./helpers/database.js');
	const database = await createTestDatabase('sqlite');
	try {
		await defineAppModels(database.sequelize);
		const httpHooks = await registerHttpHooks(database.sequelize);
		await httpHooks.createHook({name: 'a', model: 'Pet', signals: ['afterCreate'], targetUrl: url});
		t.false('HttpHook' in database.sequelize.models);
		await database.sequelize.sync({force: true});
		t.is((await httpHooks.listHooks()).length, 1);
		await httpHooks.close();
	} finally {
		await database.close();
	}
});
