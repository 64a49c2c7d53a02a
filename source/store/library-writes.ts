import {Transaction, type Sequelize} from 'sequelize';
import {dialectOf} from './dialects/index.js';

const queues = new WeakMap<Sequelize, {tail: Promise<unknown>}>();

/**
 * Run one of the library's own writes (hooks, signals) in a transaction of its own. On SQLite
 * the writes of one Sequelize instance take turns, and each begins IMMEDIATE, taking the file's
 * write lock at once: two deferred transactions that read and then write refuse each other
 * (SQLITE_BUSY), while immediate ones wait their turn within the busy timeout. Elsewhere a
 * plain transaction: row locks keep writers apart.
 */
export async function libraryWrite<T>(sequelize: Sequelize, write: (transaction: Transaction) => Promise<T>): Promise<T> {
	if (!dialectOf(sequelize).writesTakeTurns) {
		return sequelize.transaction(async transaction => write(transaction));
	}

	const queue = queues.get(sequelize) ?? {tail: Promise.resolve()};
	queues.set(sequelize, queue);
	const result = queue.tail.then(async () => whenNotBusy(async () => sequelize.transaction({type: Transaction.TYPES.IMMEDIATE}, async transaction => write(transaction))));
	queue.tail = result.catch(() => undefined);
	return result;
}

// SQLite's busy handler is not first come, first served: with many processes (or handles) writing
// at once, one can wait past the busy timeout and get SQLITE_BUSY, at BEGIN IMMEDIATE (nothing
// done yet) or at COMMIT (rolled back). Either way nothing was written: the write is run again,
// for up to this long in all.
const busyRetryMs = 30_000;

async function whenNotBusy<T>(run: () => Promise<T>): Promise<T> {
	const started = Date.now();
	for (let attempt = 1; ; attempt++) {
		try {
			return await run();
		} catch (error) {
			if (!isBusy(error) || Date.now() - started > busyRetryMs) {
				throw error;
			}

			await new Promise(resolve => {
				setTimeout(resolve, Math.min(1000, 20 * attempt) * (0.5 + Math.random()));
			});
		}
	}
}

function isBusy(error: unknown): boolean {
	const code = (error as {original?: {code?: unknown}; code?: unknown})?.original?.code ?? (error as {code?: unknown})?.code;
	return code === 'SQLITE_BUSY';
}

/** Resolves once every library write queued so far on this instance has finished (SQLite). */
export async function libraryWritesSettled(sequelize: Sequelize): Promise<void> {
	await queues.get(sequelize)?.tail;
}
