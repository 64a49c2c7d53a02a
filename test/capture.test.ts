import {allDialects, dialectTest} from './helpers/dialect-test.js';
import {defineAppModels} from './helpers/app.js';
import {callbacksOf, eventually} from './helpers/callbacks.js';
import {registerHttpHooks} from '../source/index.js';

const url = 'http://127.0.0.1:9/hooks';

dialectTest('a hook fires for its model and not for others', async (t, {sequelize}) => {
	const {Owner, Pet} = await defineAppModels(sequelize);
	const httpHooks = await registerHttpHooks(sequelize);
	await httpHooks.createHook({name: 'pets', model: 'Pet', signals: ['afterCreate'], targetUrl: url});
	await Owner.create({name: 'Ann'});
	const pet = await Pet.create({name: 'Rex'});
	const callbacks = await callbacksOf(httpHooks);
	t.is(callbacks.length, 1);
	t.like(callbacks[0], {hookName: 'pets', model: 'Pet', objectId: String(pet.get('id')), eventType: 'created', status: 'waiting', targetUrl: url, httpMethod: 'POST', attempts: 0});
	t.truthy(callbacks[0]!.nextAttemptAt);
	t.regex(callbacks[0]!.webhookId, /^msg_[a-f\d]{32}$/);
	await httpHooks.close();
}, {dialects: allDialects});

dialectTest('two hooks on one model each write a callback', async (t, {sequelize}) => {
	const {Pet} = await defineAppModels(sequelize);
	const httpHooks = await registerHttpHooks(sequelize);
	await httpHooks.createHook({name: 'first', model: 'Pet', signals: ['afterCreate'], targetUrl: `${url}/1`});
	await httpHooks.createHook({name: 'second', model: 'Pet', signals: ['afterCreate'], targetUrl: `${url}/2`});
	await Pet.create({name: 'Rex'});
	const callbacks = await callbacksOf(httpHooks);
	t.deepEqual(callbacks.map(callback => [callback.hookName, callback.targetUrl]).sort(), [['first', `${url}/1`], ['second', `${url}/2`]]);
	await httpHooks.close();
}, {dialects: allDialects});

dialectTest('a hook with several signals gives created, updated and deleted events', async (t, {sequelize}) => {
	const {Pet} = await defineAppModels(sequelize);
	const httpHooks = await registerHttpHooks(sequelize);
	await httpHooks.createHook({name: 'all', model: 'Pet', signals: ['afterCreate', 'afterUpdate', 'afterDestroy'], targetUrl: url});
	const pet = await Pet.create({name: 'Rex'});
	await pet.update({name: 'Max'});
	await pet.destroy();
	const callbacks = await callbacksOf(httpHooks);
	t.deepEqual(callbacks.map(callback => callback.eventType), ['created', 'updated', 'deleted']);
	t.deepEqual(callbacks.map(callback => callback.json.object_serialization.name), ['Rex', 'Max', 'Max']);
	await httpHooks.close();
}, {dialects: allDialects});

dialectTest('afterSave tells created from updated; afterUpsert and afterRestore fire', async (t, {sequelize}) => {
	const {Pet, Note} = await defineAppModels(sequelize);
	const httpHooks = await registerHttpHooks(sequelize);
	await httpHooks.createHook({name: 'saves', model: 'Pet', signals: ['afterSave', 'afterUpsert'], targetUrl: url});
	await httpHooks.createHook({name: 'notes', model: 'Note', signals: ['afterDestroy', 'afterRestore'], targetUrl: url});
	const pet = await Pet.create({name: 'Rex'});
	await pet.update({name: 'Max'});
	await Pet.upsert({id: pet.get('id'), name: 'Upserted'});
	const note = await Note.create({text: 'hello'});
	await note.destroy();
	await note.restore();
	const callbacks = await callbacksOf(httpHooks);
	t.deepEqual(callbacks.map(callback => `${callback.hookName}:${callback.eventType}`), [
		'saves:created', 'saves:updated', 'saves:upserted', 'notes:deleted', 'notes:restored',
	]);
	await httpHooks.close();
}, {dialects: allDialects});

dialectTest('a disabled hook writes nothing, and enabling it again works at once', async (t, {sequelize}) => {
	const {Pet} = await defineAppModels(sequelize);
	const httpHooks = await registerHttpHooks(sequelize);
	const hook = await httpHooks.createHook({name: 'off', model: 'Pet', signals: ['afterCreate'], targetUrl: url, enabled: false});
	await Pet.create({name: 'Rex'});
	t.is((await callbacksOf(httpHooks)).length, 0);
	await httpHooks.setHookEnabled(hook.id, true);
	await Pet.create({name: 'Max'});
	t.is((await callbacksOf(httpHooks)).length, 1);
	await httpHooks.close();
}, {dialects: allDialects});

dialectTest('a rolled back change leaves no callback; a committed one keeps it', async (t, {sequelize}) => {
	const {Pet} = await defineAppModels(sequelize);
	const httpHooks = await registerHttpHooks(sequelize);
	await httpHooks.createHook({name: 'pets', model: 'Pet', signals: ['afterCreate', 'afterUpdate'], targetUrl: url});
	await t.throwsAsync(sequelize.transaction(async transaction => {
		await Pet.create({name: 'Ghost'}, {transaction});
		t.is(await httpHooks.models.Callback.count({transaction}), 1, 'the callback is there inside the transaction');
		throw new Error('roll back');
	}), {message: 'roll back'});
	t.is(await Pet.count(), 0);
	t.is((await callbacksOf(httpHooks)).length, 0);
	await sequelize.transaction(async transaction => {
		const pet = await Pet.create({name: 'Rex'}, {transaction});
		await pet.update({name: 'Max'}, {transaction});
	});
	t.deepEqual((await callbacksOf(httpHooks)).map(callback => callback.eventType), ['created', 'updated']);
	await httpHooks.close();
}, {dialects: allDialects});

dialectTest('bulk create, update and destroy fire for every row', async (t, {sequelize}) => {
	const {Pet} = await defineAppModels(sequelize);
	const httpHooks = await registerHttpHooks(sequelize);
	await httpHooks.createHook({name: 'pets', model: 'Pet', signals: ['afterCreate', 'afterUpdate', 'afterDestroy'], targetUrl: url,
		payloadTemplate: '{"name": "{{instance.name}}", "age": {{instance.age | json}}, "changed": {{changed | json}}}', contentType: 'application/json'});
	await Pet.bulkCreate([{name: 'a'}, {name: 'b'}, {name: 'c'}]);
	await Pet.update({age: 7}, {where: {}});
	await Pet.destroy({where: {name: ['a', 'b']}});
	const callbacks = await callbacksOf(httpHooks);
	const byEvent = (event: string) => callbacks.filter(callback => callback.eventType === event).map(callback => callback.json);
	t.deepEqual(byEvent('created').map(payload => payload.name).sort(), ['a', 'b', 'c']);
	t.deepEqual(byEvent('updated').map(payload => [payload.name, payload.age, payload.changed.includes('age')]).sort(), [['a', 7, true], ['b', 7, true], ['c', 7, true]]);
	t.deepEqual(byEvent('deleted').map(payload => payload.name).sort(), ['a', 'b']);
	await httpHooks.close();
}, {dialects: allDialects});

dialectTest('a write on a model without hooks runs no extra query, bulk calls stay bulk', async (t, database) => {
	const queries: string[] = [];
	const sequelize = database.open({logging: (sql: string) => queries.push(sql)});
	const {Owner, Pet} = await defineAppModels(sequelize);
	const httpHooks = await registerHttpHooks(sequelize);
	await httpHooks.createHook({name: 'pets', model: 'Pet', signals: ['afterCreate'], targetUrl: url});
	await Owner.create({name: 'warm-up'});
	queries.length = 0;
	await Owner.create({name: 'Ann'});
	t.is(queries.length, 1, queries.join('\n'));
	queries.length = 0;
	await Owner.update({email: 'a@example.com'}, {where: {}});
	t.is(queries.length, 1, 'no SELECT of every row: the bulk update stays one statement');
	queries.length = 0;
	await Pet.create({name: 'Rex'});
	t.is(queries.length, 2, 'a hooked write adds exactly one INSERT');
	t.regex(queries[1]!, /INSERT INTO http_callbacks/);
	await httpHooks.close();
}, {dialects: allDialects});

dialectTest('custom signals carry their arguments and honour the transaction', async (t, {sequelize}) => {
	const {Pet} = await defineAppModels(sequelize);
	const httpHooks = await registerHttpHooks(sequelize);
	await t.throwsAsync(httpHooks.createHook({name: 'vet', model: 'Pet', signals: ['pets.checked'], targetUrl: url}), {name: 'InvalidSignalError', message: /"pets\.checked"/});
	const checked = httpHooks.defineSignal('pets.checked');
	await httpHooks.createHook({name: 'vet', model: 'Pet', signals: ['pets.checked'], targetUrl: url, contentType: 'application/json',
		payloadTemplate: '{"pet": "{{instance.name}}", "vet": "{{vet}}", "event": "{{event_type}}", "args": {{args | json}}}'});
	const pet = await Pet.create({name: 'Rex'});
	await checked.send(pet, {vet: 'Dr. "Who"'});
	await sequelize.transaction(async transaction => {
		await checked.send(pet, {vet: 'rolled back'}, {transaction});
		throw new Error('no');
	}).catch(() => undefined);
	const callbacks = await callbacksOf(httpHooks);
	t.is(callbacks.length, 1);
	t.deepEqual(callbacks[0]!.json, {pet: 'Rex', vet: 'Dr. "Who"', event: 'pets.checked', args: {vet: 'Dr. "Who"'}});
	t.is(callbacks[0]!.eventType, 'pets.checked');
	await t.throwsAsync(checked.send('not an instance' as never), {name: 'InvalidSignalError', message: /not an instance/});
	await t.throwsAsync(httpHooks.createSignal('bad name!'), {name: 'InvalidSignalError', message: /"bad name!"/});
	await httpHooks.close();
}, {dialects: allDialects});

dialectTest('hook changes reach another process without a restart', async (t, database) => {
	const other = database.open();
	const {Pet} = await defineAppModels(database.sequelize);
	const {Pet: OtherPet} = await defineAppModels(other);
	const first = await registerHttpHooks(database.sequelize);
	const second = await registerHttpHooks(other, {reloadIntervalMs: 200});
	const hook = await first.createHook({name: 'pets', model: 'Pet', signals: ['afterCreate'], targetUrl: url});
	// The second app sees the new hook without being told.
	await eventually(async () => {
		await OtherPet.create({name: 'probe'});
		const count = await second.models.Callback.count();
		return count > 0 ? count : undefined;
	}, 5000, 'the new hook working in the other process');
	await first.setHookEnabled(hook.id, false);
	await eventually(async () => {
		const before = await second.models.Callback.count();
		await OtherPet.create({name: 'probe after disable'});
		return await second.models.Callback.count() === before ? true : undefined;
	}, 5000, 'the disabled hook stopping in the other process');
	// A change in plain SQL (no library code involved) is seen too.
	await database.sequelize.query(`UPDATE http_hooks SET enabled = ${database.dialect === 'postgres' ? 'true' : '1'}`);
	await eventually(async () => {
		const before = await second.models.Callback.count();
		await OtherPet.create({name: 'probe after SQL'});
		return await second.models.Callback.count() > before ? true : undefined;
	}, 5000, 'a change in plain SQL reaching the other process');
	t.pass();
	void Pet;
	await first.close();
	await second.close();
}, {dialects: allDialects});

dialectTest('shutDown binds nothing and creates no callbacks', async (t, {sequelize}) => {
	const {Pet} = await defineAppModels(sequelize);
	const httpHooks = await registerHttpHooks(sequelize, {shutDown: true});
	t.false(httpHooks.capturing);
	await httpHooks.createHook({name: 'pets', model: 'Pet', signals: ['afterCreate'], targetUrl: url});
	await Pet.create({name: 'Rex'});
	t.is(await httpHooks.models.Callback.count(), 0);
	await httpHooks.close();
}, {dialects: allDialects});

dialectTest('shutDown and raiseExceptions are read from the environment', async (t, {sequelize}) => {
	const {Pet} = await defineAppModels(sequelize);
	process.env['HTTP_HOOKS_SHUT_DOWN'] = 'true';
	try {
		const httpHooks = await registerHttpHooks(sequelize);
		t.false(httpHooks.capturing);
		await httpHooks.close();
		process.env['HTTP_HOOKS_SHUT_DOWN'] = 'maybe';
		await t.throwsAsync(registerHttpHooks(sequelize), {message: /HTTP_HOOKS_SHUT_DOWN="maybe"/});
	} finally {
		delete process.env['HTTP_HOOKS_SHUT_DOWN'];
	}

	void Pet;
}, {dialects: allDialects, serial: true});

dialectTest('a payload that fails to build: the write succeeds and the callback is an error, unless raiseExceptions', async (t, {sequelize}) => {
	const {Pet} = await defineAppModels(sequelize);
	const warnings: string[] = [];
	const httpHooks = await registerHttpHooks(sequelize, {logger: {warn: message => warnings.push(message)}});
	const hook = {name: 'ages', model: 'Pet', signals: ['afterCreate'], targetUrl: url, contentType: 'application/json', payloadTemplate: '{"age": {{instance.age}}}'};
	await httpHooks.createHook(hook);
	const pet = await Pet.create({name: 'no age'});
	t.truthy(await Pet.findByPk(pet.get('id') as number), 'the write succeeded');
	const [callback] = await callbacksOf(httpHooks);
	t.is(callback!.status, 'error');
	t.regex(callback!.statusDetails!, /Payload is an invalid JSON/);
	t.is(callback!.nextAttemptAt, null);
	t.is(warnings.length, 1);
	await httpHooks.close();

	const strict = await registerHttpHooks(sequelize, {raiseExceptions: true});
	await t.throwsAsync(sequelize.transaction(async transaction => Pet.create({name: 'still no age'}, {transaction})), {name: 'InvalidPayloadError'});
	t.is(await Pet.count({where: {name: 'still no age'}}), 0, 'with raiseExceptions the write fails with it');
	await strict.close();
}, {dialects: allDialects});

dialectTest('registering twice on one Sequelize instance is refused until the first handle closes', async (t, {sequelize}) => {
	const {Pet} = await defineAppModels(sequelize);
	const first = await registerHttpHooks(sequelize);
	await t.throwsAsync(registerHttpHooks(sequelize), {message: /already called on this Sequelize instance/});
	await first.createHook({name: 'pets', model: 'Pet', signals: ['afterCreate'], targetUrl: url});
	await first.close();
	const second = await registerHttpHooks(sequelize);
	await Pet.create({name: 'Rex'});
	t.is(await second.models.Callback.count(), 1, 'one callback: no listener left behind by the first handle');
	await second.close();
}, {dialects: allDialects});
