import {connectHttpHooks, registerHttpHooks} from '../source/index.js';
import {countCallbacks, pageCallbacks, requeueCallbacks} from '../source/operations/browse-callbacks.js';
import {defineAppModels} from './helpers/app.js';
import {allDialects, dialectTest} from './helpers/dialect-test.js';
import {insertCallbacks, minutesAgo, runHooks} from './helpers/run-cli.js';

dialectTest('list-hooks and list-callbacks: readable tables and JSON', async (t, db) => {
	await defineAppModels(db.sequelize);
	const httpHooks = await registerHttpHooks(db.sequelize, {reloadIntervalMs: 60_000});
	const pets = await httpHooks.createHook({
		name: 'pets to the shop', model: 'Pet', signals: ['afterCreate', 'afterUpdate'], targetUrl: 'http://127.0.0.1:9/pets',
		contentType: 'application/json', secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
	});
	const owners = await httpHooks.createHook({
		name: 'owners', model: 'Owner', signals: ['afterDestroy'], targetUrl: 'http://127.0.0.1:9/owners', httpMethod: 'PUT', enabled: false,
	});
	await httpHooks.close();
	const petCallbacks = [
		...await insertCallbacks(httpHooks.models, 3, {hookId: pets.id, hookName: pets.name, status: 'waiting', nextAttemptAt: minutesAgo(-5)}),
		...await insertCallbacks(httpHooks.models, 2, {hookId: pets.id, hookName: pets.name, status: 'error', attempts: 8, statusDetails: 'status_code:503'}),
		...await insertCallbacks(httpHooks.models, 1, {hookId: pets.id, hookName: pets.name, status: 'sent', attempts: 1, statusDetails: 'status_code:200'}),
	];
	await insertCallbacks(httpHooks.models, 1, {hookId: owners.id, hookName: owners.name, model: 'Owner', eventType: 'deleted', status: 'error', statusDetails: 'status_code:410'});

	const run = async (...args: string[]) => runHooks([...args, '--database-url', db.url]);
	const [hooksTable, hooksJson, errorsTable, firstPage] = await Promise.all([
		run('list-hooks'),
		run('list-hooks', '--json'),
		run('list-callbacks', '--status', 'error'),
		run('list-callbacks', '--hook-id', String(pets.id), '--limit', '4', '--json'),
	]);

	t.is(hooksTable.code, 0, hooksTable.stderr);
	const lines = hooksTable.stdout.trimEnd().split('\n');
	t.is(lines.length, 3);
	t.regex(lines[0]!, /^ID {2}NAME +MODEL +SIGNALS +METHOD +TARGET URL +ENABLED +SIGNED +WAITING +ERROR$/);
	t.regex(lines[1]!, new RegExp(`^ ?${pets.id}  pets to the shop +Pet +afterCreate, afterUpdate +POST +http://127\\.0\\.0\\.1:9/pets +yes +yes +3 +2$`));
	t.regex(lines[2]!, new RegExp(`^ ?${owners.id}  owners +Owner +afterDestroy +PUT +http://127\\.0\\.0\\.1:9/owners +no +no +0 +1$`));
	t.false(hooksTable.stdout.includes('whsec_'));

	const hooks = JSON.parse(hooksJson.stdout) as Array<Record<string, unknown>>;
	t.like(hooks, [
		{id: pets.id, name: 'pets to the shop', signals: ['afterCreate', 'afterUpdate'], signed: true, enabled: true, waiting: 3, error: 2},
		{id: owners.id, name: 'owners', httpMethod: 'PUT', signed: false, enabled: false, waiting: 0, error: 1},
	]);
	t.false(hooksJson.stdout.includes('whsec_'));
	t.false('secret' in hooks[0]!);

	t.is(errorsTable.code, 0, errorsTable.stderr);
	const errorLines = errorsTable.stdout.trimEnd().split('\n');
	t.regex(errorLines[0]!, /^ *ID {2}HOOK +EVENT +OBJECT +STATUS +ATTEMPTS +NEXT ATTEMPT +UPDATED +DETAILS$/);
	t.is(errorLines.length, 4);
	t.regex(errorLines[1]!, /owners +deleted +Owner #1 +error +0 +\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ +status_code:410$/);
	t.regex(errorLines[2]!, /pets to the shop +created +Pet #2 +error +8 +\S+ \S+ +status_code:503$/);

	const page = JSON.parse(firstPage.stdout) as {callbacks: Array<{id: number; status: string; payload?: string}>; nextBeforeId: number | null};
	t.deepEqual(page.callbacks.map(row => row.id), petCallbacks.toReversed().slice(0, 4));
	t.is(page.nextBeforeId, petCallbacks[2]!);
	t.false('payload' in page.callbacks[0]!);

	const [secondPage, secondTable, none] = await Promise.all([
		run('list-callbacks', '--hook-id', String(pets.id), '--limit', '4', '--before-id', String(page.nextBeforeId), '--json'),
		run('list-callbacks', '--hook-id', String(pets.id), '--limit', '4'),
		run('list-callbacks', '--search', 'no such text'),
	]);
	const second = JSON.parse(secondPage.stdout) as typeof page;
	t.deepEqual(second.callbacks.map(row => row.id), [petCallbacks[1], petCallbacks[0]]);
	t.is(second.nextBeforeId, null);
	t.regex(secondTable.stdout, new RegExp(`More callbacks match: add --before-id ${page.nextBeforeId} for the next page\\.\\n$`));
	t.is(none.stdout, 'No callbacks match.\n');
}, {dialects: allDialects});

dialectTest('list-hooks: an ordered hook and a rotating secret say so in the table and in JSON', async (t, db) => {
	await defineAppModels(db.sequelize);
	const httpHooks = await registerHttpHooks(db.sequelize, {reloadIntervalMs: 60_000});
	const hook = await httpHooks.createHook({
		name: 'pets', model: 'Pet', signals: ['afterCreate'], targetUrl: 'http://127.0.0.1:9/pets', ordered: true, secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
	});
	await httpHooks.createHook({name: 'owners', model: 'Owner', signals: ['afterCreate'], targetUrl: 'http://127.0.0.1:9/owners'});
	const rotated = await httpHooks.rotateSecret(hook.id, 'whsec_dGhlIG5ldyBzZWNyZXQsIDI0IGJ5dGVzIQ==', {keepPreviousForMs: 3_600_000});
	await httpHooks.close();
	const [table, json] = await Promise.all([
		runHooks(['list-hooks', '--database-url', db.url]),
		runHooks(['list-hooks', '--database-url', db.url, '--json']),
	]);
	t.is(table.code, 0, table.stderr);
	const until = `${rotated.previousSecretExpiresAt!.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
	const lines = table.stdout.trimEnd().split('\n');
	t.regex(lines[0]!, /ENABLED +SIGNED +ORDERED +WAITING +ERROR$/);
	t.regex(lines[1]!, new RegExp(`yes +yes, previous too until ${until} +per record +0 +0$`));
	t.regex(lines[2]!, /owners .* yes +no +no +0 +0$/);
	t.false(table.stdout.includes('whsec_'));
	const [pets] = JSON.parse(json.stdout) as Array<Record<string, unknown>>;
	t.like(pets, {ordered: true, signed: true, previousSecretExpiresAt: rotated.previousSecretExpiresAt!.toISOString()});
	t.false(json.stdout.includes('whsec_'));
}, {dialects: allDialects});

dialectTest('search: %, _ and \\ match themselves, case aside, in listing, counting, requeuing and list-callbacks', async (t, db) => {
	const httpHooks = await connectHttpHooks(db.sequelize);
	const [serverError, tooMany, noUnderscore, percent, fiveHundred, backslash, plain, upper] = await Promise.all([
		insertCallbacks(httpHooks.models, 1, {status: 'error', statusDetails: 'status_code:503'}),
		insertCallbacks(httpHooks.models, 1, {status: 'error', statusDetails: 'status_code:429'}),
		insertCallbacks(httpHooks.models, 1, {status: 'error', statusDetails: 'statusXcode:500'}),
		insertCallbacks(httpHooks.models, 1, {hookName: 'sale 50% off'}),
		insertCallbacks(httpHooks.models, 1, {hookName: 'sale 500 off'}),
		insertCallbacks(httpHooks.models, 1, {hookName: 'path a\\b'}),
		insertCallbacks(httpHooks.models, 1, {hookName: 'path ab'}),
		insertCallbacks(httpHooks.models, 1, {targetUrl: 'http://127.0.0.1:9/A\\B'}),
	]);
	const ids = async (search: string) => (await pageCallbacks(httpHooks.models, {search})).rows.map(row => row.id).sort((a, b) => a - b);
	t.deepEqual(await ids('status_code:5'), serverError);
	t.deepEqual(await ids('STATUS_CODE:'), [...serverError, ...tooMany].sort((a, b) => a - b));
	t.deepEqual(await ids('50%'), percent);
	// Inserted concurrently: the two ids come in either order.
	t.deepEqual(await ids('a\\b'), [...backslash, ...upper].sort((a, b) => a - b));
	t.deepEqual(await ids('%'), percent);
	t.deepEqual(await ids('_'), [...serverError, ...tooMany].sort((a, b) => a - b));
	t.is(await countCallbacks(httpHooks.models, {search: 'status_code:'}), 2);
	t.is([noUnderscore, fiveHundred, plain].flat().length, 3, 'near misses, matched by none of the searches above');

	t.is(await requeueCallbacks(httpHooks.models, {filter: {search: 'status_code:5'}}), 1);
	t.is((await httpHooks.models.Callback.findByPk(serverError[0]))!.status, 'waiting');
	t.is((await httpHooks.models.Callback.findByPk(tooMany[0]))!.status, 'error');

	const listed = await runHooks(['list-callbacks', '--search', 'status_code:4', '--json', '--database-url', db.url]);
	t.is(listed.code, 0, listed.stderr);
	t.deepEqual((JSON.parse(listed.stdout) as {callbacks: Array<{id: number}>}).callbacks.map(row => row.id), tooMany);
}, {dialects: allDialects});

dialectTest('list-callbacks: the DETAILS column leads with the error code, the JSON keeps the whole text', async (t, db) => {
	await defineAppModels(db.sequelize);
	const httpHooks = await registerHttpHooks(db.sequelize, {reloadIntervalMs: 60_000});
	const hook = await httpHooks.createHook({name: 'pets', model: 'Pet', signals: ['afterCreate'], targetUrl: 'http://127.0.0.1:9/pets'});
	await httpHooks.close();
	const details = 'request to http://127.0.0.1:9/pets failed, reason: connect ECONNREFUSED 127.0.0.1:9';
	await insertCallbacks(httpHooks.models, 1, {hookId: hook.id, hookName: hook.name, status: 'error', attempts: 8, statusDetails: details});
	const [table, json] = await Promise.all([
		runHooks(['list-callbacks', '--database-url', db.url]),
		runHooks(['list-callbacks', '--json', '--database-url', db.url]),
	]);
	t.is(table.code, 0, table.stderr);
	t.regex(table.stdout.trimEnd().split('\n')[1]!, /error +8 +\S+ \S+ +ECONNREFUSED: connect 127\.0\.0\.1:9$/);
	t.is((JSON.parse(json.stdout) as {callbacks: Array<{statusDetails: string}>}).callbacks[0]!.statusDetails, details);
});
