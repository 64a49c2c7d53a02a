import {dialectTest} from './helpers/dialect-test.js';
import {defineAppModels} from './helpers/app.js';
import {callbacksOf} from './helpers/callbacks.js';
import {runHooks} from './helpers/run-cli.js';
import {InvalidPayloadError, registerHttpHooks} from '../source/index.js';

const url = 'http://127.0.0.1:9/hooks';
const shipped = '\'species\' in changed and instance.species == \'cat\'';

dialectTest('a condition decides per change whether a callback is written at all', async (t, {sequelize}) => {
	const {Pet} = await defineAppModels(sequelize);
	const httpHooks = await registerHttpHooks(sequelize);
	const hook = await httpHooks.createHook({name: 'became a cat', model: 'Pet', signals: ['afterCreate', 'afterUpdate'], targetUrl: url, condition: shipped});
	t.is(hook.condition, shipped);
	const pet = await Pet.create({name: 'Rex', species: 'cat'});
	await pet.update({name: 'Max'});
	await pet.update({species: 'dog'});
	t.is((await callbacksOf(httpHooks)).length, 0, 'created (nothing changed), renamed, and became a dog: no callback');
	await pet.update({species: 'cat'});
	const callbacks = await callbacksOf(httpHooks);
	t.is(callbacks.length, 1);
	t.like(callbacks[0], {eventType: 'updated', status: 'waiting'});
	t.is(callbacks[0]!.json.object_serialization.species, 'cat');
	await httpHooks.close();
});

dialectTest('a condition reads previous values, event_type, an association and custom signal arguments', async (t, {sequelize}) => {
	const {Owner, Pet} = await defineAppModels(sequelize);
	const httpHooks = await registerHttpHooks(sequelize);
	await httpHooks.createSignal('pets.moved');
	await httpHooks.createHook({name: 'older', model: 'Pet', signals: ['afterUpdate'], targetUrl: url, condition: 'previous.age is defined and instance.age > previous.age'});
	await httpHooks.createHook({name: 'ann\'s', model: 'Pet', signals: ['afterCreate'], targetUrl: url, condition: 'event_type == "created" and instance.owner.name == "Ann"'});
	await httpHooks.createHook({name: 'moved far', model: 'Pet', signals: ['pets.moved'], targetUrl: url, condition: 'distance > 100'});
	const moved = httpHooks.defineSignal('pets.moved');
	const ann = await Owner.create({name: 'Ann'});
	const bob = await Owner.create({name: 'Bob'});
	const pet = await Pet.create({name: 'Rex', age: 3, ownerId: ann.get('id')});
	await Pet.create({name: 'Tom', age: 3, ownerId: bob.get('id')});
	await pet.update({age: 2});
	await pet.update({age: 4});
	await moved.send(pet, {distance: 5});
	await moved.send(pet, {distance: 500});
	const callbacks = await callbacksOf(httpHooks);
	t.deepEqual(callbacks.map(callback => callback.hookName), ['ann\'s', 'older', 'moved far']);
	t.is(callbacks[2]!.json.signal_arguments.distance, 500);
	await httpHooks.close();
});

dialectTest('a condition that fails when the change happens keeps the write and records an error callback with the reason', async (t, {sequelize}) => {
	const {Pet} = await defineAppModels(sequelize);
	const warnings: string[] = [];
	const httpHooks = await registerHttpHooks(sequelize, {logger: {warn: message => warnings.push(message)}, templateMaxIterations: 50});
	await httpHooks.createHook({name: 'loops', model: 'Pet', signals: ['afterCreate'], targetUrl: url, condition: 'range(instance.age) | length > 1'});
	const pet = await sequelize.transaction(async transaction => Pet.create({name: 'Rex', age: 1000}, {transaction}));
	t.truthy(await Pet.findByPk(pet.get('id') as number), 'the write survives');
	const [callback] = await callbacksOf(httpHooks);
	t.like(callback, {status: 'error', payload: null});
	t.regex(callback!.statusDetails!, /^InvalidPayloadError: Condition "range\(instance\.age\) \| length > 1".*more than 50/);
	t.true(warnings.some(message => message.includes('loops')));
	await httpHooks.close();
});

dialectTest('with raiseExceptions a failing condition fails the write', async (t, {sequelize}) => {
	const {Pet} = await defineAppModels(sequelize);
	const httpHooks = await registerHttpHooks(sequelize, {raiseExceptions: true, templateMaxIterations: 50});
	await httpHooks.createHook({name: 'loops', model: 'Pet', signals: ['afterCreate'], targetUrl: url, condition: 'range(instance.age) | length > 1'});
	await t.throwsAsync(sequelize.transaction(async transaction => Pet.create({name: 'Rex', age: 1000}, {transaction})), {instanceOf: InvalidPayloadError});
	t.is(await Pet.count(), 0);
	t.is((await callbacksOf(httpHooks)).length, 0);
	await httpHooks.close();
});

dialectTest('a condition is validated when the hook is saved: syntax, paths, shape, sandbox and hostile values', async (t, {sequelize}) => {
	await defineAppModels(sequelize);
	const httpHooks = await registerHttpHooks(sequelize);
	const base = {name: 'c', model: 'Owner', signals: ['afterUpdate'], targetUrl: url};
	const refused = async (condition: unknown, message: RegExp) => {
		const error = await t.throwsAsync(httpHooks.createHook({...base, condition: condition as string}), {instanceOf: InvalidPayloadError});
		t.regex(error!.message, message);
		t.is(error!.field, 'condition');
	};

	await refused('instance.status ==', /^Condition "instance\.status ==" does not compile/);
	await refused('instance.nickname == "x"', /Condition .* reads instance\.nickname, but model Owner has no attribute or association "nickname"/);
	await refused('instance.passwordHash == "x"', /reads instance\.passwordHash, which model Owner hides/);
	await refused('true %}{% for i in range(10) %}x{% endfor %}{% endif %}{% if true', /must be one expression/);
	await refused('true %}2{% else %}1', /must be one expression/);
	await refused('instance.constructor', /may not use "constructor"/);
	await refused('instance.name.toUpperCase() == "A"', /Condition .* failed to render: .*Unable to call/);
	await refused('range(10000000) | length', /more than 100000/);
	await refused('x'.repeat(5000), /is 5000 characters long, more than 4096/);
	await refused('instance.name == "a\u0000"', /control character/);
	await refused({toString: () => 'true'}, /^Condition "\{\}" must be text/);
	await refused(['true'], /must be text/);
	t.is(await httpHooks.models.Hook.count(), 0);

	const hook = await httpHooks.createHook({...base, condition: '  '});
	t.is(hook.condition, null, 'blank: no condition');
	const updated = await httpHooks.updateHook(hook.id, {condition: '\'name\' in changed'});
	t.is(updated.condition, '\'name\' in changed');
	await t.throwsAsync(httpHooks.updateHook(hook.id, {condition: 'name ==' }), {message: /does not compile/});
	t.is((await httpHooks.getHook(hook.id)).condition, '\'name\' in changed');
	await httpHooks.close();
});

dialectTest('a condition stored past validation (plain SQL) that does not compile gives error callbacks, never a lost write', async (t, {sequelize}) => {
	const {Pet} = await defineAppModels(sequelize);
	const httpHooks = await registerHttpHooks(sequelize);
	const hook = await httpHooks.createHook({name: 'sql', model: 'Pet', signals: ['afterCreate'], targetUrl: url});
	await sequelize.query('UPDATE http_hooks SET "condition" = $1 WHERE id = $2', {bind: ['instance.name ==', hook.id]});
	await httpHooks.reloadHooks();
	await Pet.create({name: 'Rex'});
	const [callback] = await callbacksOf(httpHooks);
	t.like(callback, {status: 'error'});
	t.regex(callback!.statusDetails!, /Condition "instance\.name ==" does not compile/);
	await httpHooks.close();
});

dialectTest('hooks list-hooks shows each hook\'s condition', async (t, database) => {
	await defineAppModels(database.sequelize);
	const httpHooks = await registerHttpHooks(database.sequelize);
	t.teardown(async () => httpHooks.close());
	await httpHooks.createHook({name: 'always', model: 'Pet', signals: ['afterCreate'], targetUrl: url});
	await httpHooks.createHook({name: 'cats', model: 'Pet', signals: ['afterUpdate'], targetUrl: url, condition: shipped});
	const table = await runHooks(['list-hooks', '--database-url', database.url]);
	t.is(table.code, 0, table.stderr);
	const [header, always, cats] = table.stdout.split('\n');
	t.regex(header!, /CONDITION/);
	t.regex(always!, /\(always\)/);
	t.true(cats!.includes(`${shipped.slice(0, 39)}…`), 'a long condition is cut to its column');
	const json = await runHooks(['list-hooks', '--database-url', database.url, '--json']);
	t.deepEqual((JSON.parse(json.stdout) as Array<{condition: string | null}>).map(hook => hook.condition), [null, shipped]);
});

dialectTest('a change whose conditions are all false runs no statement of the library, not even a savepoint', async (t, database) => {
	const statements: string[] = [];
	const sequelize = database.open({logging: sql => statements.push(sql)});
	const {Pet} = await defineAppModels(sequelize);
	const httpHooks = await registerHttpHooks(sequelize);
	t.teardown(async () => httpHooks.close());
	await httpHooks.createHook({name: 'cats', model: 'Pet', signals: ['afterCreate'], targetUrl: url, condition: 'instance.species == "cat"'});
	statements.length = 0;
	await sequelize.transaction(async transaction => Pet.create({name: 'Rex', species: 'dog'}, {transaction}));
	t.false(statements.some(sql => /SAVEPOINT|http_callbacks/i.test(sql)), statements.join('\n'));
	await sequelize.transaction(async transaction => Pet.create({name: 'Tom', species: 'cat'}, {transaction}));
	t.deepEqual((await callbacksOf(httpHooks)).map(callback => callback.json.object_serialization.name), ['Tom']);
	if (database.dialect === 'postgres') {
		t.true(statements.some(sql => sql.includes('SAVEPOINT')), 'the change that fires is isolated as before');
	}
});
