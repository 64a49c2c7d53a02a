import {startReceiver} from '../fixtures/receiver.js';
import {StaleHookError} from '../source/index.js';
import {dialectTest} from './helpers/dialect-test.js';
import {appWithHook, createOwners} from './helpers/delivery.js';

dialectTest('a save based on what an editor loaded is refused once endpoint health disabled the hook meanwhile', async (t, database) => {
	const receiver = await startReceiver(() => ({status: 410}));
	try {
		const setup = await appWithHook(t, database, {targetUrl: receiver.url});
		const {httpHooks, hookId} = setup;
		// The editor loads the hook (enabled) and starts editing ...
		const loaded = await httpHooks.getHook(hookId);
		t.true(loaded.enabled);
		t.is(typeof loaded.revision, 'number');
		// ... while the sender finds the endpoint gone and disables it.
		await createOwners(setup, ['Ann']);
		t.like(await httpHooks.sendCallbacks(), {failed: 1});
		t.false((await httpHooks.getHook(hookId)).enabled);

		// The editor saves everything it loaded, with one field changed: refused, saying why.
		const {id: _id, revision: _revision, createdAt: _created, updatedAt: _updated, disabledReason: _reason, disabledAt: _at, ...fields} = loaded;
		const error = await t.throwsAsync(httpHooks.updateHook(hookId, {...fields, name: 'renamed'}, {loaded}), {instanceOf: StaleHookError});
		t.regex(error!.message, /Hook "owner created" \(id \d+\) changed since it was loaded: it was disabled \(endpoint answered 410 Gone\)\. Nothing was saved/);
		const after = await httpHooks.getHook(hookId);
		t.like(after, {enabled: false, name: 'owner created', disabledReason: 'endpoint answered 410 Gone'});

		// The revision alone does as well; a save on the current revision goes through and
		// writes only what it names: the hook stays disabled.
		await t.throwsAsync(httpHooks.updateHook(hookId, {name: 'renamed'}, {expectedRevision: loaded.revision!}), {instanceOf: StaleHookError, message: /saved elsewhere \(revision \d+, now \d+\)/});
		const saved = await httpHooks.updateHook(hookId, {name: 'renamed'}, {expectedRevision: after.revision!});
		t.like(saved, {name: 'renamed', enabled: false, disabledReason: 'endpoint answered 410 Gone'});
		t.true(saved.revision! > after.revision!);
	} finally {
		await receiver.close();
	}
});

dialectTest('plain SQL moves a hook\'s revision too, and a stale save names the fields that changed', async (t, database) => {
	const setup = await appWithHook(t, database, {targetUrl: 'http://127.0.0.1:9/a'});
	const {httpHooks, hookId} = setup;
	const loaded = await httpHooks.getHook(hookId);
	// Neither updated_at nor the revision is touched by this statement: the triggers move it.
	await database.sequelize.query('UPDATE http_hooks SET target_url = :target, payload_template = NULL', {replacements: {target: 'http://127.0.0.1:9/b'}});
	const changed = await httpHooks.getHook(hookId);
	t.true(changed.revision! > loaded.revision!);
	t.deepEqual(changed.updatedAt, loaded.updatedAt);
	await t.throwsAsync(httpHooks.updateHook(hookId, {httpMethod: 'PUT'}, {loaded}), {
		instanceOf: StaleHookError, message: /changed since it was loaded: target URL, payload template changed\. Nothing was saved/,
	});
	t.is((await httpHooks.getHook(hookId)).httpMethod, 'POST');

	// Signals are part of it: relinking moves the revision.
	const before = await httpHooks.getHook(hookId);
	await httpHooks.updateHook(hookId, {signals: ['afterCreate', 'afterUpdate']});
	await t.throwsAsync(httpHooks.updateHook(hookId, {name: 'x'}, {loaded: before}), {instanceOf: StaleHookError, message: /signals changed/});
	// Without a revision, callers save as before.
	t.like(await httpHooks.updateHook(hookId, {name: 'x'}), {name: 'x', targetUrl: 'http://127.0.0.1:9/b'});
});
