import {connectHttpHooks} from '../source/index.js';
import {startReceiver, type ReceivedRequest} from '../fixtures/receiver.js';
import {eventually} from './helpers/callbacks.js';
import {dialectTest} from './helpers/dialect-test.js';
import {insertCallbacks, minutesAgo, runHooks} from './helpers/run-cli.js';
import {startSender} from './helpers/sender-process.js';

const perHook = 300;

function countBy(requests: ReceivedRequest[]): Map<string, number> {
	const counts = new Map<string, number>();
	for (const request of requests) {
		const id = String(request.headers['webhook-id']);
		counts.set(id, (counts.get(id) ?? 0) + 1);
	}

	return counts;
}

dialectTest('resend and cancel race a running send-callbacks --watch: nothing sent twice, nothing cancelled arrives after the cancel returned', async (t, database) => {
	// The hook to cancel answers slowly enough that the cancel meets callbacks queued and in flight.
	const receiver = await startReceiver(request => ({status: 200, delayMs: request.url === '/stop' ? 400 : 5}));
	// Migrated first: a sender started on a database without the tables exits at once.
	const httpHooks = await connectHttpHooks(database.sequelize);
	const sender = await startSender(['--database-url', database.url, '--watch', '--concurrency', '4', '--json']);
	try {
		const [recover, stop] = await httpHooks.models.Hook.bulkCreate([
			{name: 'recover me', model: 'Pet', targetUrl: receiver.url, httpMethod: 'POST'},
			{name: 'stop me', model: 'Pet', targetUrl: `${receiver.url}/stop`, httpMethod: 'POST'},
		]);
		// Failed an hour ago, with no attempt left: only a resend sends them again.
		const failed = await insertCallbacks(httpHooks.models, perHook, {hookId: recover!.id, targetUrl: receiver.url, status: 'error', attempts: 8, createdAt: minutesAgo(60)});
		const doomed = await insertCallbacks(httpHooks.models, perHook, {hookId: stop!.id, targetUrl: `${receiver.url}/stop`, nextAttemptAt: new Date()});
		await receiver.waitFor(20, 120_000);

		const url = ['--database-url', database.url, '--json'];
		const [cancel, resend] = await Promise.all([
			runHooks(['cancel', '--hook-id', String(stop!.id), ...url]),
			runHooks(['resend', '--hook-id', String(recover!.id), '--since', '2h', ...url]),
		]);
		const cancelReturned = Date.now();
		t.is(cancel.code, 0, cancel.stderr);
		t.is(resend.code, 0, resend.stderr);
		const cancelled = JSON.parse(cancel.stdout) as {cancelled: number; wereSending: number; stillSending: number};
		t.like(JSON.parse(resend.stdout), {resent: perHook, matched: perHook});
		t.true(cancelled.cancelled > 0 && cancelled.cancelled < perHook, `cancelled ${cancelled.cancelled} of ${perHook}, the rest sent before: ${cancel.stdout}`);
		t.is(cancelled.stillSending, 0);
		t.log(`cancelled ${cancelled.cancelled}, ${cancelled.wereSending} of them held by the sender at the time`);

		// Again while the sender works through them: only those still waiting are touched.
		const again = await runHooks(['resend', '--hook-id', String(recover!.id), '--status', 'waiting', ...url]);
		t.is(again.code, 0, again.stderr);

		await eventually(async () => await httpHooks.models.Callback.count({where: {hookId: recover!.id, status: 'sent'}}) === perHook ? true : undefined, 180_000, 'every resent callback delivered');
		sender.process.kill('SIGTERM');
		const exit = await sender.exited;
		t.is(exit.code, 0, exit.stderr);

		const rows = await httpHooks.models.Callback.findAll({where: {id: [...failed, ...doomed]}});
		const attempts = new Map<number, number>();
		for (const attempt of await httpHooks.models.Attempt.findAll({where: {callbackId: [...failed, ...doomed]}})) {
			attempts.set(attempt.callbackId, (attempts.get(attempt.callbackId) ?? 0) + 1);
		}

		const received = countBy(receiver.requests);
		let twice = 0;
		let lateCancelled = 0;
		for (const row of rows) {
			const requests = received.get(row.webhookId) ?? 0;
			if (requests > (attempts.get(row.id) ?? 0)) {
				twice++;
			}

			if (row.hookId === recover!.id) {
				t.is(requests, 1, `callback ${row.id} of the recovered hook arrived once`);
			} else if (row.status === 'cancelled') {
				lateCancelled += receiver.requests.filter(request => request.headers['webhook-id'] === row.webhookId && request.receivedAt > cancelReturned).length;
			} else {
				t.is(row.status, 'sent', `callback ${row.id} of the cancelled hook is either sent (before the cancel) or cancelled`);
			}
		}

		t.is(twice, 0, 'no webhook-id arrived more often than it has attempt rows');
		t.is(lateCancelled, 0, 'nothing cancelled arrived after the cancel returned');
		const cancelledRows = rows.filter(row => row.status === 'cancelled');
		t.is(cancelledRows.length, cancelled.cancelled);
		// Claimed ahead but not started when cancelled: the sender dropped them unsent.
		const attempted = cancelledRows.filter(row => attempts.has(row.id)).length;
		t.log(`${attempted} cancelled callbacks had an attempt under way when cancelled; ${cancelledRows.length - attempted} were never sent`);
		t.true(attempted < cancelledRows.length, 'the sender dropped cancelled callbacks it had not started');
	} finally {
		if (sender.alive) {
			sender.process.kill('SIGKILL');
		}

		await receiver.close();
	}
}, {serial: true});
