import type {Transaction} from 'sequelize';
import {startReceiver} from '../fixtures/receiver.js';
import {connectHttpHooks} from '../source/index.js';
import {dialectTest} from './helpers/dialect-test.js';
import {insertCallbacks} from './helpers/run-cli.js';

const total = 3;

dialectTest('a run without watch whose claim comes back empty while another transaction holds the due callbacks looks again and sends them', async (t, database) => {
	const receiver = await startReceiver();
	// What the sender's connection runs, in order, and when the rows were let go.
	const events: string[] = [];
	const sender = database.open({
		logging(sql: string) {
			if (/FOR UPDATE SKIP LOCKED/.test(sql)) {
				events.push('claim');
			} else if (/SELECT COUNT\(\*\) AS count FROM http_callbacks WHERE status = 'waiting'/.test(sql)) {
				events.push('count');
			}
		},
	});
	let holder: Transaction | undefined;
	try {
		const httpHooks = await connectHttpHooks(database.sequelize);
		await insertCallbacks(httpHooks.models, total, {targetUrl: `${receiver.url}/hooks`, nextAttemptAt: new Date()});

		// Another sender's claim, as it were: a transaction that holds every callback's row lock.
		holder = await database.sequelize.transaction();
		t.is((await httpHooks.models.Callback.findAll({lock: true, transaction: holder})).length, total);

		// The rows are let go once the sender, its claim empty, has counted what is still due:
		// before its next query, so the look after that finds them free.
		let counted = false;
		sender.addHook('beforeQuery', async () => {
			if (events.at(-1) === 'count' && !counted) {
				counted = true;
				await holder!.commit();
				events.push('released');
			}
		});

		const senderHooks = await connectHttpHooks(sender, {migrate: false});
		const summary = await senderHooks.sendCallbacks();
		t.log(events.join(' '));
		t.like(summary, {claimed: total, sent: total, failed: 0});
		t.is(receiver.requests.length, total);
		const released = events.indexOf('released');
		t.true(released > 0 && events.slice(0, released).includes('claim'), 'a claim came back empty while the rows were held');
		t.true(events.slice(released).includes('claim'), 'the run looked again after they were let go');
		await senderHooks.close();
		await httpHooks.close();
	} finally {
		if (holder && !events.includes('released')) {
			await holder.rollback();
		}

		await receiver.close();
	}
}, {dialects: ['postgres']});
