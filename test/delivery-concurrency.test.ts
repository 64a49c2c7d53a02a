import {startReceiver} from '../fixtures/receiver.js';
import {connectHttpHooks} from '../source/index.js';
import {allDialects, dialectTest} from './helpers/dialect-test.js';
import {insertCallbacks, runHooks} from './helpers/run-cli.js';

const total = 2000;

dialectTest(`four send-callbacks processes at once over ${total} callbacks: every webhook-id received exactly once`, async (t, database) => {
	// Each answer takes a little while, so that the four senders overlap for most of the run.
	const receiver = await startReceiver(() => ({status: 200, delayMs: 10}));
	try {
		const httpHooks = await connectHttpHooks(database.sequelize);
		const ids = await insertCallbacks(httpHooks.models, total, {targetUrl: `${receiver.url}/hooks`, nextAttemptAt: new Date()});
		t.is(ids.length, total);

		const runs = await Promise.all(Array.from({length: 4}, async () => runHooks(['send-callbacks', '--database-url', database.url, '--concurrency', '10', '--json'])));
		const summaries = runs.map(run => {
			t.is(run.code, 0, run.stderr);
			return JSON.parse(run.stdout) as {claimed: number; sent: number; retrying: number; failed: number};
		});
		t.log('sent per process:', summaries.map(summary => summary.sent).join(', '));

		t.is(summaries.reduce((sum, summary) => sum + summary.sent, 0), total);
		t.is(summaries.reduce((sum, summary) => sum + summary.claimed, 0), total, 'no callback was claimed twice');
		t.is(receiver.requests.length, total, 'no request was sent twice');
		const webhookIds = new Set(receiver.requests.map(request => request.headers['webhook-id']));
		t.is(webhookIds.size, total, 'every webhook-id exactly once');
		t.is(await httpHooks.models.Callback.count({where: {status: 'sent', attempts: 1}}), total);
		t.is(await httpHooks.models.Attempt.count(), total);
	} finally {
		await receiver.close();
	}
}, {dialects: allDialects, serial: true});
