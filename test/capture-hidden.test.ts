import {DataTypes, Model, type ModelStatic, type Sequelize} from 'sequelize';
import {dialectTest} from './helpers/dialect-test.js';
import {callbacksOf} from './helpers/callbacks.js';
import {registerHttpHooks, type HttpHooks} from '../source/index.js';

const url = 'http://127.0.0.1:9/hooks';
const json = 'application/json';
// Every hidden value of the tests holds this word: it must appear in no callback row.
const secret = 'SECRET';

type App = {Owner: ModelStatic<Model>; Pet: ModelStatic<Model>};

// Owners hide their password hash, pets their microchip: hidden attributes at two levels.
async function defineModels(sequelize: Sequelize): Promise<App> {
	const Owner = sequelize.define('Owner', {
		name: {type: DataTypes.STRING, allowNull: false},
		email: {type: DataTypes.STRING},
		passwordHash: {type: DataTypes.STRING},
		profile: {type: DataTypes.JSON},
		avatar: {type: DataTypes.BLOB},
	}, {httpHooks: {hidden: ['passwordHash']}});
	const Pet = sequelize.define('Pet', {
		name: {type: DataTypes.STRING, allowNull: false},
		microchip: {type: DataTypes.STRING},
	}, {httpHooks: {hidden: ['microchip']}});
	Pet.belongsTo(Owner, {as: 'owner', foreignKey: 'ownerId'});
	Owner.hasMany(Pet, {as: 'pets', foreignKey: 'ownerId'});
	await sequelize.sync();
	return {Owner, Pet};
}

const everything = '{"instance": {{ instance | json }}, "previous": {{ previous | json }}, "changed": {{ changed | json }}, "args": {{ args | json }}}';

async function hooked(sequelize: Sequelize): Promise<{app: App; httpHooks: HttpHooks}> {
	const app = await defineModels(sequelize);
	const httpHooks = await registerHttpHooks(sequelize, {
		// A serializer that hands back the live instance and its included pets.
		serializers: {Whole: {toRepresentation: (instance: Model) => ({instance, pets: instance.get('pets') ?? null})}},
	});
	await httpHooks.createSignal('owners.checked');
	const ownerSignals = ['afterCreate', 'afterUpdate', 'afterDestroy', 'afterUpsert', 'owners.checked'];
	await httpHooks.createHook({name: 'owner default', model: 'Owner', signals: ownerSignals, targetUrl: url});
	await httpHooks.createHook({name: 'owner template', model: 'Owner', signals: ownerSignals, targetUrl: url, contentType: json, payloadTemplate: everything});
	await httpHooks.createHook({name: 'owner serializer', model: 'Owner', signals: ownerSignals, targetUrl: url, serializerClass: 'Whole'});
	await httpHooks.createHook({name: 'owner header', model: 'Owner', signals: ownerSignals, targetUrl: url, headers: 'X-Owner: {{ instance.name }}'});
	await httpHooks.createHook({name: 'pet default', model: 'Pet', signals: ['afterCreate', 'afterUpdate'], targetUrl: url});
	await httpHooks.createHook({name: 'pet template', model: 'Pet', signals: ['afterCreate', 'afterUpdate'], targetUrl: url, contentType: json,
		payloadTemplate: '{"pet": {{ instance | json }}, "owner": {{ instance.owner | json }}, "previous": {{ previous | json }}, "changed": {{ changed | json }}}'});
	return {app, httpHooks};
}

/** A deep copy of what the app can see of an instance: its values, previous values and changed(). */
function snapshot(value: unknown): unknown {
	if (value instanceof Model) {
		return {
			dataValues: snapshot(value.dataValues),
			previous: snapshot((value as unknown as {_previousDataValues: unknown})._previousDataValues),
			changed: value.changed(),
		};
	}

	if (Array.isArray(value)) {
		return value.map(item => snapshot(item));
	}

	if (value instanceof Date) {
		return new Date(value.getTime());
	}

	if (Buffer.isBuffer(value)) {
		return Buffer.from(value);
	}

	if (value && typeof value === 'object') {
		return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, snapshot(item)]));
	}

	return value;
}

/**
 * Watch the library's effect on the app's instances: a model hook (run before the library's
 * instance-wide listener) and an instance-wide hook added after it (run after) snapshot the
 * instance; the two must be equal.
 */
function watchInstances(sequelize: Sequelize, models: Array<ModelStatic<Model>>): Array<{event: string; before: unknown; after: unknown}> {
	const seen: Array<{event: string; before: unknown; after: unknown}> = [];
	const pending = new Map<Model, unknown>();
	for (const event of ['afterCreate', 'afterUpdate', 'afterDestroy'] as const) {
		for (const model of models) {
			model.addHook(event, 'snapshot before', (instance: Model) => {
				pending.set(instance, snapshot(instance));
			});
		}

		sequelize.addHook(event, 'snapshot after', (instance: Model) => {
			if (pending.has(instance)) {
				seen.push({event, before: pending.get(instance), after: snapshot(instance)});
				pending.delete(instance);
			}
		});
	}

	return seen;
}

function assertNoSecret(t: {false(value: boolean, message?: string): void}, rows: unknown[]): void {
	for (const row of rows) {
		t.false(JSON.stringify(row).includes(secret), `a hidden value leaked: ${JSON.stringify(row)}`);
	}
}

dialectTest('hidden attributes stay hidden and the app\'s instance is untouched: create, update, destroy, upsert, custom signal', async (t, {sequelize}) => {
	const {app: {Owner, Pet}, httpHooks} = await hooked(sequelize);
	const seen = watchInstances(sequelize, [Owner, Pet]);
	const checked = httpHooks.defineSignal('owners.checked');

	const owner = await Owner.create({name: 'Ann', passwordHash: `${secret}-1`, profile: {tags: ['a'], nested: {deep: true}}, avatar: Buffer.from([0, 1, 2, 255])});
	t.is(owner.get('passwordHash'), `${secret}-1`, 'the app still sees its hidden attribute after create');
	await owner.update({name: 'Bea', passwordHash: `${secret}-2`});
	t.is(owner.get('passwordHash'), `${secret}-2`, 'and after update');
	t.deepEqual(owner.changed(), false);
	const before = snapshot(owner);
	await checked.send(owner, {by: owner, note: 'checked'});
	t.deepEqual(snapshot(owner), before, 'a custom signal leaves the instance alone');
	const [upserted] = await Owner.upsert({id: owner.get('id'), name: 'Cy', passwordHash: `${secret}-3`});
	t.is(upserted.get('passwordHash'), `${secret}-3`);
	await owner.destroy();
	t.is(owner.get('passwordHash'), `${secret}-2`, 'and after destroy');

	t.true(seen.length >= 3);
	for (const {event, before, after} of seen) {
		t.deepEqual(after, before, `the library changed the instance in ${event}`);
	}

	const callbacks = await callbacksOf(httpHooks);
	t.is(callbacks.filter(callback => callback.status !== 'waiting').length, 0, JSON.stringify(callbacks.filter(callback => callback.status !== 'waiting')));
	t.deepEqual(new Set(callbacks.map(callback => callback.eventType)), new Set(['created', 'updated', 'owners.checked', 'upserted', 'deleted']));
	assertNoSecret(t, callbacks);
	const updated = callbacks.find(callback => callback.hookName === 'owner template' && callback.eventType === 'updated')!;
	t.deepEqual(updated.json.changed, ['name'], 'a hidden attribute is not listed as changed');
	t.deepEqual(updated.json.previous, {name: 'Ann'});
	t.deepEqual(updated.json.instance.profile, {tags: ['a'], nested: {deep: true}});
	t.is(updated.json.instance.avatar, Buffer.from([0, 1, 2, 255]).toString('base64'), 'bytes travel as base64');
	const signal = callbacks.find(callback => callback.hookName === 'owner template' && callback.eventType === 'owners.checked')!;
	t.is(signal.json.args.by.name, 'Bea', 'an instance passed as an argument becomes plain data');
	t.is(signal.json.args.note, 'checked');
	const defaultSignal = callbacks.find(callback => callback.hookName === 'owner default' && callback.eventType === 'owners.checked')!;
	t.is(defaultSignal.json.signal_arguments.by.name, 'Bea');
	const serialized = callbacks.find(callback => callback.hookName === 'owner serializer' && callback.eventType === 'created')!;
	t.is(serialized.json.instance.name, 'Ann', 'a serializer returning the instance gives its plain data');
	t.is(callbacks.find(callback => callback.hookName === 'owner header' && callback.eventType === 'created')!.headerMap['X-Owner'], 'Ann');
	await httpHooks.close();
});

dialectTest('hidden attributes of included, nested and lazily loaded associations stay hidden', async (t, {sequelize}) => {
	const {app: {Owner, Pet}, httpHooks} = await hooked(sequelize);
	const seen = watchInstances(sequelize, [Owner, Pet]);

	// A nested create: the owner is created through the pet, and is in the pet's data values.
	const pet = await Pet.create({name: 'Rex', microchip: `${secret}-chip`, owner: {name: 'Ann', passwordHash: `${secret}-nested`}},
		{include: [{model: Owner, as: 'owner'}]});
	t.is((pet.get('owner') as Model).get('passwordHash'), `${secret}-nested`);
	// An owner loaded with its pets, then updated: the pets are in the default payload and the context.
	const loaded = (await Owner.findByPk(pet.get('ownerId') as number, {include: [{model: Pet, as: 'pets'}]}))!;
	await loaded.update({email: 'ann@example.com'});
	t.is(((loaded.get('pets') as Model[])[0]!).get('microchip'), `${secret}-chip`, 'the included pet keeps its hidden attribute');
	// A pet updated later: its template loads the owner lazily.
	const reloaded = (await Pet.findByPk(pet.get('id') as number))!;
	await reloaded.update({name: 'Max'});
	t.is(reloaded.get('owner'), undefined, 'the lazily loaded owner is not attached to the app\'s instance');

	for (const {event, before, after} of seen) {
		t.deepEqual(after, before, `the library changed the instance in ${event}`);
	}

	const callbacks = await callbacksOf(httpHooks);
	assertNoSecret(t, callbacks);
	const nested = callbacks.find(callback => callback.hookName === 'pet default' && callback.eventType === 'created')!;
	t.is(nested.json.object_serialization.owner.name, 'Ann', 'the nested owner is in the default payload, without its hidden attribute');
	t.false('passwordHash' in nested.json.object_serialization.owner);
	const included = callbacks.find(callback => callback.hookName === 'owner default' && callback.eventType === 'updated')!;
	t.is(included.json.object_serialization.pets[0].name, 'Rex');
	t.false('microchip' in included.json.object_serialization.pets[0]);
	const includedJson = callbacks.find(callback => callback.hookName === 'owner template' && callback.eventType === 'updated')!;
	t.is(includedJson.json.instance.pets[0].name, 'Rex');
	const serialized = callbacks.find(callback => callback.hookName === 'owner serializer' && callback.eventType === 'updated')!;
	t.is(serialized.json.pets[0].name, 'Rex', 'included instances a serializer returns lose their hidden attributes too');
	const lazy = callbacks.find(callback => callback.hookName === 'pet template' && callback.eventType === 'updated')!;
	t.is(lazy.json.owner.name, 'Ann');
	t.false('passwordHash' in lazy.json.owner);
	await httpHooks.close();
});

dialectTest('plain data: odd values are copied safely, and a circular signal argument gives an error callback', async (t, {sequelize}) => {
	const {app: {Owner}, httpHooks} = await hooked(sequelize);
	const checked = httpHooks.defineSignal('owners.checked');
	const owner = await Owner.create({name: 'Ann', profile: JSON.parse('{"__proto__": {"polluted": true}, "list": [1, null]}')});
	const circular: Record<string, unknown> = {name: 'loop'};
	circular['self'] = circular;
	await checked.send(owner, {circular});
	await checked.send(owner, {big: 12_345_678_901_234_567_890n, notANumber: Number.NaN, when: new Date('2026-01-02T03:04:05.000Z'), skip: () => 1, list: [() => 1]});
	const all = await callbacksOf(httpHooks);
	const odd = all.find(callback => callback.hookName === 'owner template' && callback.eventType === 'owners.checked' && callback.status === 'waiting')!;
	t.deepEqual(odd.json.args, {big: '12345678901234567890', notANumber: null, when: '2026-01-02T03:04:05.000Z', list: [null]});
	const callbacks = all;
	const created = callbacks.find(callback => callback.hookName === 'owner template' && callback.eventType === 'created')!;
	t.deepEqual(Object.keys(created.json.instance.profile), ['__proto__', 'list'], 'a "__proto__" key stays an ordinary key');
	t.is(({} as Record<string, unknown>)['polluted'], undefined);
	// The first send's callbacks (one per hook but the serializer, which never sees the arguments).
	const signal = callbacks.filter(callback => callback.eventType === 'owners.checked' && callback.hookName !== 'owner serializer').slice(0, 3);
	t.deepEqual(signal.map(callback => callback.hookName).sort(), ['owner default', 'owner header', 'owner template']);
	for (const callback of signal) {
		t.is(callback.status, 'error', `${callback.hookName}: a circular argument cannot become JSON`);
		t.regex(callback.statusDetails!, /nested deeper than 64 levels/);
	}

	await httpHooks.close();
});

dialectTest('a hidden list that is not an array of names is refused when the library is registered', async (t, {sequelize}) => {
	sequelize.define('Account', {secret: DataTypes.STRING}, {httpHooks: {hidden: 'secret'}} as never);
	await sequelize.sync();
	await t.throwsAsync(registerHttpHooks(sequelize), {name: 'HttpHooksError', message: /^Model "Account" lists its hidden attributes as "secret"; give an array/});
});
