import {Op} from 'sequelize';
import {startReceiver} from '../fixtures/receiver.js';
import {connectHttpHooks} from '../source/index.js';
import {eventually} from './helpers/callbacks.js';
import {allDialects, dialectTest} from './helpers/dialect-test.js';
import {insertCallbacks, runHooks} from './helpers/run-cli.js';
import {startSender} from './helpers/sender-process.js';

const count = 40;

dialectTest('a sender killed with SIGKILL mid-batch loses nothing: after its lease, another run delivers every callback', async (t, database) => {
	// Slow answers: the sender is killed with requests in flight and claimed callbacks queued.
	const receiver = await startReceiver(() => ({status: 200, delayMs: 400}));
	try {
		const httpHooks = await connectHttpHooks(database.sequelize);
		await insertCallbacks(httpHooks.models, count, {targetUrl: receiver.url, nextAttemptAt: new Date()});

		const sender = await startSender(['--database-url', database.url, '--concurrency', '4', '--lease-seconds', '2']);
		await receiver.waitFor(6, 60_000);
		sender.process.kill('SIGKILL');
		const killed = await sender.exited;
		t.is(killed.signal, 'SIGKILL');

		const held = await httpHooks.models.Callback.findAll({where: {status: 'sending'}});
		t.true(held.length > 0, 'the dead sender still holds claims');
		t.true(held.every(callback => callback.lockedBy !== null && callback.leaseUntil !== null));
		const sentBefore = await httpHooks.models.Callback.count({where: {status: 'sent'}});
		t.true(sentBefore < count, 'killed before it was done');

		// Once the dead sender's leases have run out, a new run takes its callbacks over.
		receiver.respond(() => ({status: 200}));
		await eventually(async () => (await httpHooks.models.Callback.count({where: {status: 'sending', leaseUntil: {[Op.gte]: new Date()}}})) === 0 ? true : undefined, 30_000, 'the leases to run out');
		const rerun = await runHooks(['send-callbacks', '--database-url', database.url, '--json']);
		t.is(rerun.code, 0, rerun.stderr);
		t.like(JSON.parse(rerun.stdout), {sent: count - sentBefore, failed: 0});

		t.is(await httpHooks.models.Callback.count({where: {status: 'sent'}}), count, 'every callback delivered');
		const all = await httpHooks.models.Callback.findAll();
		const received = new Set(receiver.requests.map(request => request.headers['webhook-id']));
		t.true(all.every(callback => received.has(callback.webhookId)), 'every webhook-id reached the receiver');
	} finally {
		await receiver.close();
	}
}, {dialects: allDialects});

dialectTest('SIGTERM stops a --watch sender cleanly: requests under way finish, the rest is given back', async (t, database) => {
	const receiver = await startReceiver(() => ({status: 200, delayMs: 300}));
	try {
		const httpHooks = await connectHttpHooks(database.sequelize);
		await insertCallbacks(httpHooks.models, count, {targetUrl: receiver.url, nextAttemptAt: new Date()});

		const sender = await startSender(['--database-url', database.url, '--concurrency', '2', '--watch', '--json']);
		await receiver.waitFor(1, 60_000);
		sender.process.kill('SIGTERM');
		const stopped = await sender.exited;
		t.is(stopped.code, 0, stopped.stderr);
		const summary = JSON.parse(stopped.stdout) as {claimed: number; sent: number};
		t.true(summary.sent >= 1 && summary.sent < count, `sent ${summary.sent} before stopping`);

		t.is(await httpHooks.models.Callback.count({where: {status: 'sending'}}), 0, 'no claim left behind');
		t.is(await httpHooks.models.Callback.count({where: {lockedBy: {[Op.ne]: null}}}), 0);
		t.is(await httpHooks.models.Callback.count({where: {status: 'sent'}}), summary.sent, 'what it answered for was written');
		t.is(await httpHooks.models.Callback.count({where: {status: 'waiting'}}), count - summary.sent);
		t.is(receiver.requests.length, summary.sent, 'every request it started, it finished and recorded');

		receiver.respond(() => ({status: 200}));
		const rest = await runHooks(['send-callbacks', '--database-url', database.url, '--json']);
		t.like(JSON.parse(rest.stdout), {sent: count - summary.sent});
		t.is(new Set(receiver.requests.map(request => request.headers['webhook-id'])).size, count);
	} finally {
		await receiver.close();
	}
}, {dialects: allDialects});

dialectTest('a sender that lost its lease leaves the callback to the new holder, and still records its attempt', async (t, database) => {
	const receiver = await startReceiver(() => ({status: 200, delayMs: 500}));
	try {
		const warnings: string[] = [];
		const httpHooks = await connectHttpHooks(database.sequelize, {logger: {warn: message => warnings.push(message)}});
		const [id] = await insertCallbacks(httpHooks.models, 1, {targetUrl: receiver.url, nextAttemptAt: new Date()});
		const running = httpHooks.sendCallbacks();
		await receiver.waitFor(1);
		// Another sender takes the callback over (as if this one had been frozen past its lease).
		await httpHooks.models.Callback.update({lockedBy: 'another-sender', leaseUntil: new Date(Date.now() + 60_000)}, {where: {id}});

		t.like(await running, {claimed: 1, sent: 0, retrying: 0, failed: 0});
		const row = await httpHooks.models.Callback.findByPk(id);
		t.like(row!.get({plain: true}), {status: 'sending', lockedBy: 'another-sender', attempts: 0}, 'the new holder\'s claim stands');
		t.is(await httpHooks.models.Attempt.count({where: {callbackId: id}}), 1, 'the request that went out is on record');
		t.true(warnings.some(warning => warning.includes('taken over by another sender')));
	} finally {
		await receiver.close();
	}
}, {dialects: allDialects});
