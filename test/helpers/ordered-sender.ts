// A sender process for the ordering test: sends until no callback is unfinished, retrying at
// once (a 20 ms retry delay) so that a receiver failing at random is retried many times.
import {setTimeout as sleep} from 'node:timers/promises';
import {openHttpHooks} from '../../cli/database.js';

const {httpHooks, sequelize} = await openHttpHooks(process.argv[2]);
let sent = 0;
try {
	for (;;) {
		const summary = await httpHooks.sendCallbacks({concurrency: 8, delivery: {retryDelaysMs: [20], jitter: 0, maxAttempts: 1000, batchSize: 50}});
		sent += summary.sent;
		const unfinished = await httpHooks.models.Callback.count({where: {status: ['waiting', 'sending']}});
		if (unfinished === 0) {
			break;
		}

		if (summary.claimed === 0) {
			await sleep(20);
		}
	}
} finally {
	await httpHooks.close();
	await sequelize.close();
}

process.stdout.write(`${JSON.stringify({sent})}\n`);
