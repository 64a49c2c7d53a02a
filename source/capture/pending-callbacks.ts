import type {Model, ModelStatic, Sequelize, Transaction} from 'sequelize';
import type {CallbackRow} from './record-callbacks.js';

/** Writes rows that were held back, in the transaction they belong to. */
export type FlushRows = (rows: CallbackRow[], transaction: Transaction) => Promise<void>;

type Pending = {rows: CallbackRow[]; flush: FlushRows};

/**
 * Rows held back per top-level transaction, written together just before it commits: one
 * multi-row INSERT (and on PostgreSQL one savepoint) per transaction instead of one per write.
 * A transaction that rolls back is never committed, so its rows are dropped with it (the map
 * holds transactions weakly).
 */
const pending = new WeakMap<Transaction, Pending>();

/** Held-back rows are written in the middle of a transaction from this many on, to bound memory. */
export const holdLimit = 1000;

// The commit statements of these query interfaces first write the rows held back.
const watched = new WeakSet<object>();

type EndTransaction = (transaction: Transaction, options?: unknown) => Promise<unknown>;

// PostgreSQL's in_failed_sql_transaction: the app's own statement already failed, and COMMIT
// will roll everything back; the held rows go with it.
const failedTransaction = '25P02';

/**
 * Make the Sequelize instance write held-back rows when a transaction commits, before the
 * COMMIT statement: Sequelize has no hook that runs before a commit, so its query interface's
 * `commitTransaction` is wrapped, once per instance and for the instance's life (rows held by
 * a transaction must be written even when the handle that held them was closed meanwhile).
 * When they cannot be written, the commit fails with the reason and nothing is committed.
 */
export function writeHeldRowsOnCommit(sequelize: Sequelize): void {
	const queryInterface = sequelize.getQueryInterface() as unknown as {commitTransaction: EndTransaction; rollbackTransaction: EndTransaction};
	if (watched.has(queryInterface)) {
		return;
	}

	watched.add(queryInterface);
	const {commitTransaction: commit, rollbackTransaction: rollback} = queryInterface;
	queryInterface.commitTransaction = async function (this: unknown, transaction, options) {
		if (transaction && !(transaction as {parent?: Transaction}).parent) {
			try {
				await writeHeldRows(transaction);
			} catch (error) {
				if ((error as {original?: {code?: string}}).original?.code !== failedTransaction) {
					// Nothing of the transaction may commit without its callbacks: roll it back and
					// hand its connection back here (Sequelize's own clean-up after a failed commit
					// leaves a SQLite connection holding its write lock).
					await rollback.call(this, transaction, options).catch(() => undefined);
					try {
						(transaction as unknown as {cleanup(): void}).cleanup();
					} catch {}

					throw error;
				}
			}
		}

		return commit.call(this, transaction, options);
	};
}

/** The transaction whose COMMIT ends this one (a savepoint's is its outermost parent's). */
export function outermost(transaction: Transaction): Transaction {
	let current = transaction as Transaction & {parent?: Transaction};
	while (current.parent) {
		current = current.parent as Transaction & {parent?: Transaction};
	}

	return current;
}

/**
 * Hold rows until their top-level transaction commits. When the transaction already holds
 * `holdLimit` rows, they are all written now.
 */
export async function holdRows(transaction: Transaction, rows: CallbackRow[], flush: FlushRows): Promise<void> {
	let held = pending.get(transaction);
	if (!held) {
		held = {rows: [], flush};
		pending.set(transaction, held);
	}

	for (const row of rows) {
		held.rows.push(row);
	}

	if (held.rows.length >= holdLimit) {
		await writeHeldRows(transaction);
	}
}

/**
 * Write the rows a transaction holds now, in the order they were captured. Called before its
 * commit, and before a row of the same transaction is written at once (a savepoint's, or one
 * whose payload queried), so that callback ids keep the order of the changes.
 */
export async function writeHeldRows(transaction: Transaction): Promise<void> {
	const held = pending.get(transaction);
	if (!held || held.rows.length === 0) {
		return;
	}

	const rows = held.rows;
	held.rows = [];
	await held.flush(rows, transaction);
}

const readers = new WeakSet<ModelStatic<Model>>();

/**
 * Reads of the callback model inside a transaction first write the rows it holds, so that the
 * library's own API sees a transaction's callbacks before it commits, as it sees its changes.
 * (Raw SQL in the app's transaction does not: the rows are written when it commits.)
 */
export function writeHeldRowsBeforeReads(model: ModelStatic<Model>): void {
	if (readers.has(model)) {
		return;
	}

	readers.add(model);
	const before = async (options: {transaction?: Transaction | null}) => {
		if (options?.transaction) {
			await writeHeldRows(outermost(options.transaction));
		}
	};

	model.addHook('beforeFind', before);
	model.addHook('beforeCount', before);
}
