import {execFile} from 'node:child_process';
import test from 'ava';
import {hookDetailLines} from '../cli/tui/detail-lines.js';
import {createTheme} from '../cli/tui/theme.js';
import {startReceiver} from '../fixtures/receiver.js';
import {registerHttpHooks} from '../source/index.js';
import {defineAppModels} from './helpers/app.js';
import {allDialects, dialectTest} from './helpers/dialect-test.js';
import {callbackRows} from './helpers/delivery.js';
import {repoRoot, type CliResult} from './helpers/run-cli.js';

const records = 50;
const updates = 20;

/** A seeded pseudo-random sequence (mulberry32): the same failures on every run. */
function seeded(seed: number): () => number {
	let state = seed;
	return () => {
		state = (state + 0x6D_2B_79_F5) | 0;
		let value = Math.imul(state ^ (state >>> 15), 1 | state);
		value = (value + Math.imul(value ^ (value >>> 7), 61 | value)) ^ value;
		return ((value ^ (value >>> 14)) >>> 0) / 4_294_967_296;
	};
}

async function orderedSender(url: string): Promise<CliResult> {
	return new Promise(resolve => {
		execFile(process.execPath, ['--import', 'tsx', 'test/helpers/ordered-sender.ts', url], {cwd: repoRoot}, (error, stdout, stderr) => {
			resolve({code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr});
		});
	});
}

dialectTest(`ordered hook: ${records} records x ${updates} updates, a receiver failing at random, four senders: per record in order`, async (t, database) => {
	const random = seeded(6);
	const answers: number[] = [];
	const receiver = await startReceiver((_request, index) => {
		answers[index] = random() < 0.25 ? 500 : 204;
		return {status: answers[index]};
	});
	try {
		const {Owner} = await defineAppModels(database.sequelize);
		const httpHooks = await registerHttpHooks(database.sequelize);
		t.teardown(async () => httpHooks.close());
		const hook = await httpHooks.createHook({
			name: 'owners in order', model: 'Owner', signals: ['afterCreate', 'afterUpdate'], targetUrl: receiver.url, ordered: true,
			contentType: 'application/json', payloadTemplate: '{"id": {{instance.id}}, "version": "{{instance.name}}"}',
		});
		t.true(hook.ordered);
		const owners = await Owner.bulkCreate(Array.from({length: records}, () => ({name: '0'})), {individualHooks: true});
		// Updates interleaved across records, so that every record's callbacks are spread out.
		for (let version = 1; version < updates; version++) {
			for (const owner of owners) {
				await owner.update({name: String(version)});
			}
		}

		const rows = await callbackRows(httpHooks);
		t.is(rows.length, records * updates);
		t.true(rows.every(row => row.orderingKey === `Owner:${row.objectId}`), 'each callback carries model and primary key');

		const runs = await Promise.all(Array.from({length: 4}, async () => orderedSender(database.url)));
		for (const run of runs) {
			t.is(run.code, 0, run.stderr);
		}

		t.log('sent per process:', runs.map(run => (JSON.parse(run.stdout) as {sent: number}).sent).join(', '), `· ${receiver.requests.length} requests, ${answers.filter(status => status === 500).length} failed`);
		t.is(await httpHooks.models.Callback.count({where: {status: 'sent'}}), records * updates);
		t.true(answers.includes(500), 'the receiver did fail');

		// Per record: every attempt (failed ones are sent again) never goes back to an earlier
		// version, and the answered ones are each version once, in order.
		const seen = new Map<number, number[]>();
		const attempted = new Map<number, number[]>();
		for (const [index, request] of receiver.requests.entries()) {
			const {id, version} = JSON.parse(request.body) as {id: number; version: string};
			const versions = attempted.get(id) ?? [];
			attempted.set(id, [...versions, Number(version)]);
			if (answers[index] === 204) {
				seen.set(id, [...seen.get(id) ?? [], Number(version)]);
			}
		}

		for (const [id, versions] of attempted) {
			t.true(versions.every((version, index) => index === 0 || version >= versions[index - 1]!), `record ${id}: attempts ${versions.join(',')}`);
		}

		t.is(seen.size, records);
		const expected = Array.from({length: updates}, (_, version) => version);
		let inOrder = 0;
		for (const [id, versions] of seen) {
			if (JSON.stringify(versions) === JSON.stringify(expected)) {
				inOrder++;
			} else {
				t.fail(`record ${id} received ${versions.join(',')}`);
			}
		}

		t.is(inOrder, records, 'every record received its events once each, in order');
	} finally {
		await receiver.close();
	}
}, {dialects: allDialects, serial: true});

dialectTest('one run without --watch drains a record\'s backlog: each callback goes once the one before it is written; a failure stops its record only', async (t, database) => {
	const receiver = await startReceiver(request => request.body.includes('"stuck"') ? {status: 500} : {status: 204});
	try {
		const {Owner} = await defineAppModels(database.sequelize);
		const httpHooks = await registerHttpHooks(database.sequelize);
		t.teardown(async () => httpHooks.close());
		await httpHooks.createHook({
			name: 'owners in order', model: 'Owner', signals: ['afterCreate', 'afterUpdate'], targetUrl: receiver.url, ordered: true,
			contentType: 'application/json', payloadTemplate: '{"id": {{instance.id}}, "version": "{{instance.name}}"}',
		});
		const [ann, bob] = await Owner.bulkCreate([{name: '0'}, {name: 'stuck'}], {individualHooks: true});
		for (let version = 1; version <= 5; version++) {
			await ann!.update({name: String(version)});
		}

		await bob!.update({name: 'after stuck'});
		const summary = await httpHooks.sendCallbacks({concurrency: 4});
		t.like(summary, {sent: 6, retrying: 1}, 'Ann\'s six callbacks in one run; Bob\'s first failed');
		const versions = receiver.requests.map(request => JSON.parse(request.body) as {id: number; version: string});
		t.deepEqual(versions.filter(body => body.id === ann!.get('id')).map(body => body.version), ['0', '1', '2', '3', '4', '5']);
		t.deepEqual(versions.filter(body => body.id === bob!.get('id')).map(body => body.version), ['stuck'], 'Bob\'s update waits behind his failed callback');
		t.is(await httpHooks.models.Callback.count({where: {status: 'waiting'}}), 2);
	} finally {
		await receiver.close();
	}
}, {dialects: allDialects});

dialectTest('ordering keys: model and primary key, a custom signal\'s orderingKey, none for unordered hooks; bad keys are errors', async (t, database) => {
	const {Owner} = await defineAppModels(database.sequelize);
	const httpHooks = await registerHttpHooks(database.sequelize, {logger: {warn: () => undefined}});
	t.teardown(async () => httpHooks.close());
	const shipped = httpHooks.defineSignal('owners.shipped');
	const ordered = await httpHooks.createHook({name: 'ordered', model: 'Owner', signals: ['afterCreate', 'owners.shipped'], targetUrl: 'http://127.0.0.1:9/', ordered: true});
	await httpHooks.createHook({name: 'plain', model: 'Owner', signals: ['afterCreate'], targetUrl: 'http://127.0.0.1:9/'});
	await t.throwsAsync(httpHooks.updateHook(ordered.id, {ordered: 'yes' as never}), {message: /ordered must be true or false, got "yes"/});

	const owner = await Owner.create({name: 'Ann'});
	await shipped.send(owner, {orderingKey: 'customer:7'});
	await shipped.send(owner, {orderingKey: 42});
	await shipped.send(owner, {orderingKey: 'x'.repeat(300)});
	await shipped.send(owner, {orderingKey: {nested: true}});
	const rows = await callbackRows(httpHooks);
	t.deepEqual(rows.map(row => [row.hookName, row.orderingKey]), [
		['ordered', `Owner:${owner.get('id') as number}`],
		['plain', null],
		['ordered', 'customer:7'],
		['ordered', '42'],
		['ordered', rows[4]!.orderingKey],
		['ordered', null],
	]);
	t.regex(rows[4]!.orderingKey!, /^sha256:[\da-f]{64}$/, 'a long key is replaced by its hash');
	t.is(rows[5]!.status, 'error');
	t.regex(rows[5]!.statusDetails ?? '', /orderingKey \{"nested":true\}|orderingKey "\{\\"nested\\":true\}"/);

	const plainAgain = await httpHooks.updateHook(ordered.id, {ordered: false});
	t.false(plainAgain.ordered);
}, {dialects: allDialects});

test('the console\'s hook detail says a hook is ordered', t => {
	const text = hookDetailLines({
		id: 1, name: 'pets', model: 'Pet', signals: ['afterCreate'], targetUrl: 'http://x', httpMethod: 'POST', contentType: null, headers: '',
		payloadTemplate: null, serializerClass: null, secret: null, enabled: true, createdAt: new Date(), updatedAt: new Date(), waiting: 0, error: 0, ordered: true,
	}, 100, createTheme({NO_COLOR: '1'})).map(line => line.text).join('\n');
	t.regex(text, /Order +per record/);
});
