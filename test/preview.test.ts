import {DataTypes} from 'sequelize';
import {startReceiver} from '../fixtures/receiver.js';
import {defineAppModels} from './helpers/app.js';
import {callbacksOf} from './helpers/callbacks.js';
import {verifySignature} from './helpers/delivery.js';
import {dialectTest} from './helpers/dialect-test.js';
import {runHooks} from './helpers/run-cli.js';
import {HttpHooksError, registerHttpHooks, type HookPreview} from '../source/index.js';

const url = 'http://127.0.0.1:9/hooks';
const secret = `whsec_${Buffer.from('0123456789abcdef0123').toString('base64')}`;

dialectTest('hooks preview prints the request a template hook would send for a record, the same the capture writes', async (t, database) => {
	const {Owner} = await defineAppModels(database.sequelize);
	const httpHooks = await registerHttpHooks(database.sequelize);
	t.teardown(async () => httpHooks.close());
	const hook = await httpHooks.createHook({
		name: 'renamed', model: 'Owner', signals: ['afterUpdate'], targetUrl: `${url}?token=abc123`, contentType: 'application/json',
		headers: 'Authorization: Bearer very-secret-value\nX-Env: {{ instance.email }}', secret,
		payloadTemplate: '{"id": {{instance.id}}, "name": "{{instance.name}}", "event": "{{event_type}}", "changed": {{ changed | json }}}',
		condition: 'instance.name != "nobody"',
	});
	const owner = await Owner.create({name: 'Ann "the" Owner', email: 'ann@example.com', passwordHash: 'hunter2'});
	await owner.update({email: 'ann@example.org'});
	const [callback] = await callbacksOf(httpHooks);

	const text = await runHooks(['preview', '--database-url', database.url, '--hook-id', String(hook.id), '--record', String(owner.get('id'))]);
	t.is(text.code, 0, text.stderr);
	t.regex(text.stdout, /Condition: instance\.name != "nobody" {2}→ {2}holds/);
	t.regex(text.stdout, /Request: {3}POST http:\/\/127\.0\.0\.1:9\/hooks\?token=••••/);
	t.regex(text.stdout, /Authorization: Bearer ••••/);
	t.regex(text.stdout, /X-Env: ann@example\.org/);
	t.regex(text.stdout, /webhook-signature: ••••/);
	t.regex(text.stdout, /Nothing was sent/);
	t.false(text.stdout.includes('very-secret-value'));
	t.false(text.stdout.includes('hunter2'));

	const json = await runHooks(['preview', '--database-url', database.url, '--hook-id', String(hook.id), '--record', String(owner.get('id')), '--json']);
	t.is(json.code, 0, json.stderr);
	const preview = JSON.parse(json.stdout) as HookPreview;
	// The capture's payload after the update said what changed; the preview's record changes nothing.
	t.deepEqual(JSON.parse(preview.body!), {...callback!.json, changed: []});
	t.like(preview, {hookId: hook.id, model: 'Owner', signal: 'afterUpdate', eventType: 'updated', readWith: 'catalog', sent: false, error: null, condition: {holds: true, error: null}});
	t.is(preview.headers!['Content-Type'], 'application/json');
	t.regex(preview.headers!['webhook-id']!, /^msg_/);
	t.is(preview.headers!['User-Agent'], 'sequelize-http-hooks');
	t.true(preview.notes.some(note => note.includes('getters')));
	t.is(await httpHooks.models.Callback.count(), 1, 'a preview writes no callback');
});

dialectTest('the default payload previewed without app code has the record\'s attributes and never a hidden one', async (t, database) => {
	const {Owner} = await defineAppModels(database.sequelize);
	const httpHooks = await registerHttpHooks(database.sequelize);
	t.teardown(async () => httpHooks.close());
	const hook = await httpHooks.createHook({name: 'owners', model: 'Owner', signals: ['afterCreate'], targetUrl: url});
	const owner = await Owner.create({name: 'Bob', email: 'bob@example.com', passwordHash: 'hunter2'});
	const [callback] = await callbacksOf(httpHooks);
	const result = await runHooks(['preview', '--database-url', database.url, '--hook-id', String(hook.id), '--record', ` ${String(owner.get('id'))} `, '--json']);
	t.is(result.code, 0, result.stderr);
	const preview = JSON.parse(result.stdout) as HookPreview;
	t.false(result.stdout.includes('hunter2'));
	t.false(result.stdout.includes('passwordHash'));
	t.deepEqual(JSON.parse(preview.body!), callback!.json);
	t.like(preview, {eventType: 'created', condition: {expression: null, holds: true}});
});

dialectTest('previewHook in the app uses the app\'s model: serializers and associations; the program says what it cannot show', async (t, database) => {
	const {Owner, Pet} = await defineAppModels(database.sequelize);
	class PetSerializer {
		// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a serializer receives the app's instance, of any model
		async toRepresentation(pet: any) {
			const owner = await pet.getOwner();
			return {pet: pet.get('name'), owner: owner.get('name'), shout: String(pet.get('name')).toUpperCase()};
		}
	}

	const httpHooks = await registerHttpHooks(database.sequelize, {serializers: {PetSerializer}});
	t.teardown(async () => httpHooks.close());
	const serialized = await httpHooks.createHook({name: 'serialized', model: 'Pet', signals: ['afterCreate'], targetUrl: url, serializerClass: 'PetSerializer'});
	const templated = await httpHooks.createHook({
		name: 'templated', model: 'Pet', signals: ['afterCreate'], targetUrl: url, contentType: 'application/json',
		payloadTemplate: '{"owner": "{{ instance.owner.name }}"}', condition: 'instance.owner.name == "Ann"',
	});
	const ann = await Owner.create({name: 'Ann'});
	const pet = await Pet.create({name: 'Rex', ownerId: ann.get('id')});

	const api = await httpHooks.previewHook(serialized.id, pet.get('id') as number);
	t.deepEqual(JSON.parse(api.body!), {pet: 'Rex', owner: 'Ann', shout: 'REX'});
	t.like(api, {readWith: 'app', error: null, notes: []});
	const association = await httpHooks.previewHook(templated.id, String(pet.get('id')));
	t.deepEqual(JSON.parse(association.body!), {owner: 'Ann'});
	t.like(association.condition, {holds: true});
	await t.throwsAsync(httpHooks.previewHook(templated.id, 999_999), {instanceOf: HttpHooksError, message: 'No Pet with id "999999"'});
	await t.throwsAsync(httpHooks.previewHook(templated.id, 1, {signal: 'afterDestroy'}), {message: /Signal "afterDestroy" is not one of hook "templated"'s signals/});

	const cli = await runHooks(['preview', '--database-url', database.url, '--hook-id', String(serialized.id), '--record', String(pet.get('id'))]);
	t.is(cli.code, 0, cli.stderr);
	t.regex(cli.stdout, /the body comes from serializer "PetSerializer", app code this program never loads/);
	t.notRegex(cli.stdout, /^Body:/m);
	const cliAssociation = await runHooks(['preview', '--database-url', database.url, '--hook-id', String(templated.id), '--record', String(pet.get('id')), '--json']);
	const preview = JSON.parse(cliAssociation.stdout) as HookPreview;
	t.is(cliAssociation.code, 0, cliAssociation.stderr);
	t.deepEqual(JSON.parse(preview.body!), {owner: ''});
	t.like(preview.condition, {holds: false});
	t.true(preview.notes.some(note => note.startsWith('instance.owner is an association')));
});

dialectTest('hooks preview --send sends once through the sender\'s client, signed, and prints the answer', async (t, database) => {
	const receiver = await startReceiver(() => ({status: 202, body: 'thanks "preview"'}));
	t.teardown(async () => receiver.close());
	const {Owner} = await defineAppModels(database.sequelize);
	const httpHooks = await registerHttpHooks(database.sequelize);
	t.teardown(async () => httpHooks.close());
	const hook = await httpHooks.createHook({
		name: 'send', model: 'Owner', signals: ['afterCreate'], targetUrl: `${receiver.url}/in`, contentType: 'application/json', secret,
		payloadTemplate: '{"name": "{{ instance.name }}"}', condition: 'instance.name != "quiet"',
	});
	const owner = await Owner.create({name: 'Ann'});
	const quiet = await Owner.create({name: 'quiet'});
	const result = await runHooks(['preview', '--database-url', database.url, '--hook-id', String(hook.id), '--record', String(owner.get('id')), '--send']);
	t.is(result.code, 0, result.stderr);
	t.regex(result.stdout, /Sent once: HTTP 202 in \d+ ms/);
	t.regex(result.stdout, /thanks "preview"/);
	t.is(receiver.requests.length, 1);
	const [request] = receiver.requests;
	t.is(request!.body, '{"name": "Ann"}');
	t.true(verifySignature(request!.headers, request!.body, secret));

	const refused = await runHooks(['preview', '--database-url', database.url, '--hook-id', String(hook.id), '--record', String(quiet.get('id')), '--send']);
	t.is(refused.code, 1);
	t.regex(refused.stdout, /does NOT hold/);
	t.regex(refused.stdout, /Not sent: the condition does not hold for Owner "\d+"/);
	const blocked = await runHooks(['preview', '--database-url', database.url, '--hook-id', String(hook.id), '--record', String(owner.get('id')), '--send', '--block-private-networks', '--json']);
	t.is(blocked.code, 1);
	t.regex((JSON.parse(blocked.stdout) as HookPreview).response!.error!, /blocked: 127\.0\.0\.1 is a loopback address/);
	t.is(receiver.requests.length, 1, 'nothing more arrived');
	t.is(await httpHooks.models.Callback.count(), 1, 'only Ann\'s create wrote a callback (the quiet one\'s condition is false); previews write none');
});

dialectTest('record ids are hostile values: bound, checked, and a missing record is named', async (t, database) => {
	await defineAppModels(database.sequelize);
	const Tag = database.sequelize.define('Tag', {code: {type: DataTypes.STRING, primaryKey: true}, label: DataTypes.STRING}, {timestamps: false});
	await Tag.sync();
	const httpHooks = await registerHttpHooks(database.sequelize);
	t.teardown(async () => httpHooks.close());
	const tags = await httpHooks.createHook({name: 'tags', model: 'Tag', signals: ['afterCreate'], targetUrl: url});
	const owners = await httpHooks.createHook({name: 'owners', model: 'Owner', signals: ['afterCreate'], targetUrl: url});
	const hostile = '\' OR \'1\'=\'1';
	await Tag.create({code: hostile, label: 'quoted'});
	await Tag.create({code: 'plain', label: 'plain'});

	const found = await runHooks(['preview', '--database-url', database.url, '--hook-id', String(tags.id), '--record', hostile, '--json']);
	t.is(found.code, 0, found.stderr);
	t.is(JSON.parse((JSON.parse(found.stdout) as HookPreview).body!).object_id, hostile);
	const missing = await runHooks(['preview', '--database-url', database.url, '--hook-id', String(tags.id), '--record', '$1']);
	t.is(missing.code, 1);
	t.regex(missing.stderr, /No Tag with code "\$1"/);
	const notNumber = await runHooks(['preview', '--database-url', database.url, '--hook-id', String(owners.id), '--record', '1 OR 1=1']);
	t.is(notNumber.code, 2);
	t.regex(notNumber.stderr, /--record: Record id must be a whole number .* got "1 OR 1=1"/);
	const noOwner = await runHooks(['preview', '--database-url', database.url, '--hook-id', String(owners.id), '--record', '77']);
	t.is(noOwner.code, 1);
	t.regex(noOwner.stderr, /No Owner with id "77"/);
	const noHook = await runHooks(['preview', '--database-url', database.url, '--hook-id', '999', '--record', '1']);
	t.is(noHook.code, 1);
	t.regex(noHook.stderr, /No hook with id "999"/);
	const usage = await runHooks(['preview', '--database-url', database.url, '--hook-id', String(owners.id)]);
	t.is(usage.code, 2);
	t.regex(usage.stderr, /--record is required/);
	await t.throwsAsync(httpHooks.previewHook(tags.id, 'a\u0000b'), {message: /control characters/});
	t.is(await Tag.count(), 2);
});
