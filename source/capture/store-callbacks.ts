import type {Sequelize, Transaction} from 'sequelize';
import {CallbackStorageError, InvalidPayloadError, quote} from '../errors.js';
import {dialectOf} from '../store/dialects/index.js';
import {runDirect} from '../store/direct-statement.js';
import {holdRows, outermost, writeHeldRows} from './pending-callbacks.js';
import {errorRow, insertCallbacks, type CallbackRow} from './record-callbacks.js';

export type StoreSettings = {
	transaction?: Transaction | null;
	/** raiseExceptions: a callback that cannot be stored fails the write at once. */
	raise: boolean;
	warn(message: string, error?: unknown): void;
};

const savepoint = 'http_hooks_capture';

/**
 * Run the library's statements inside the app's transaction so that their failure never
 * poisons it: on PostgreSQL, where a failed statement aborts the whole transaction, under a
 * savepoint that is rolled back to on failure. Without a transaction, or on SQLite and MySQL (a
 * failed statement is undone alone), the statements run as they are. The savepoint is released after
 * success: unreleased ones would nest, and every write of a long transaction would pay for the
 * depth (measured: twice slower at 300 writes).
 */
export async function isolated<T>(sequelize: Sequelize, transaction: Transaction | null | undefined, work: () => Promise<T>): Promise<T> {
	if (!transaction || !dialectOf(sequelize).failedStatementAbortsTransaction) {
		return work();
	}

	await statement(sequelize, `SAVEPOINT ${savepoint}`, transaction);
	let result: T;
	try {
		result = await work();
	} catch (error) {
		try {
			await statement(sequelize, `ROLLBACK TO SAVEPOINT ${savepoint}`, transaction);
			await statement(sequelize, `RELEASE SAVEPOINT ${savepoint}`, transaction);
		} catch (rollbackError) {
			throw new CallbackStorageError(`Could not roll back to the savepoint after a failed statement (${messageOf(rollbackError)}): ${messageOf(error)}`, {cause: error});
		}

		throw error;
	}

	await statement(sequelize, `RELEASE SAVEPOINT ${savepoint}`, transaction);
	return result;
}

async function statement(sequelize: Sequelize, sql: string, transaction: Transaction): Promise<void> {
	await runDirect(sequelize, sql, [], transaction);
}

// The database's own message: Sequelize wraps some errors in its own ("Validation error").
function messageOf(error: unknown): string {
	const original = (error as {original?: unknown}).original;
	if (original instanceof Error && original.message) {
		return original.message;
	}

	return error instanceof Error ? error.message : String(error);
}

/**
 * A payload the database cannot store exactly (PostgreSQL: NUL) is not stored changed: the
 * callback is an `error` saying why (with raiseExceptions, the write fails).
 */
function storable(sequelize: Sequelize, rows: CallbackRow[], settings: StoreSettings): CallbackRow[] {
	const {unstorable} = dialectOf(sequelize);
	return rows.map(row => {
		const reason = row.payload === null ? undefined : unstorable(row.payload);
		if (reason === undefined) {
			return row;
		}

		const error = new InvalidPayloadError(`Payload cannot be stored: ${reason}`);
		if (settings.raise) {
			throw error;
		}

		settings.warn(`hook ${quote(row.hookName)} could not build a callback for ${row.model}; stored it with status error`, error);
		return errorRow(row, `${error.name}: ${error.message}`);
	});
}

/**
 * Build and store the callbacks of one firing, isolated from the app's transaction. When they
 * cannot be stored, each is tried again alone, and one that still fails is stored as an `error`
 * callback with the reason; when even that fails (or with raiseExceptions), the app's write
 * fails with CallbackStorageError. Never only a log line.
 *
 * In a transaction, rows whose building cannot touch the database (see `buildQueries`) are held
 * and written together just before the transaction commits; the others are written at once,
 * after the rows held before them.
 */
export async function storeCallbacks(sequelize: Sequelize, build: () => Promise<CallbackRow[]>, settings: StoreSettings & {buildQueries: boolean}): Promise<void> {
	const {transaction} = settings;
	if (!transaction) {
		return store(sequelize, build, settings);
	}

	const top = outermost(transaction);
	if (top === transaction && !settings.buildQueries) {
		const rows = storable(sequelize, await build(), settings);
		return holdRows(transaction, rows, async (held, heldBy) => writeRows(sequelize, held, {...settings, transaction: heldBy}));
	}

	await writeHeldRows(top);
	if (dialectOf(sequelize).failedStatementAbortsTransaction) {
		return oneAtATime(top, async () => store(sequelize, build, settings));
	}

	return store(sequelize, build, settings);
}

/** Write rows built earlier, as storeCallbacks would have at once. */
async function writeRows(sequelize: Sequelize, rows: CallbackRow[], settings: StoreSettings): Promise<void> {
	const {transaction} = settings;
	const write = async () => store(sequelize, async () => rows, settings);
	if (transaction && dialectOf(sequelize).failedStatementAbortsTransaction) {
		return oneAtATime(outermost(transaction), write);
	}

	return write();
}

// Statements of one transaction that use savepoints run one after the other: Sequelize runs the
// hooks of a bulk call concurrently, and a rollback to the savepoint of one capture must not
// undo another capture's INSERT issued meanwhile.
const queues = new WeakMap<Transaction, Promise<unknown>>();
async function oneAtATime<T>(transaction: Transaction, work: () => Promise<T>): Promise<T> {
	const previous = queues.get(transaction) ?? Promise.resolve();
	const run = previous.then(work);
	queues.set(transaction, run.catch(() => undefined));
	return run;
}

async function store(sequelize: Sequelize, build: () => Promise<CallbackRow[]>, settings: StoreSettings): Promise<void> {
	const {transaction} = settings;
	let rows: CallbackRow[] = [];
	try {
		await isolated(sequelize, transaction, async () => {
			rows = storable(sequelize, await build(), settings);
			await insertCallbacks(sequelize, rows, transaction);
		});
		return;
	} catch (error) {
		if (error instanceof CallbackStorageError || rows.length === 0) {
			throw error;
		}

		if (settings.raise) {
			throw storageError(rows, error, transaction);
		}
	}

	for (const row of rows) {
		try {
			await isolated(sequelize, transaction, async () => insertCallbacks(sequelize, [row], transaction));
			continue;
		} catch (error) {
			if (error instanceof CallbackStorageError) {
				throw error;
			}

			settings.warn(`the callback of hook ${quote(row.hookName)} for ${row.model} ${quote(row.objectId)} could not be stored; storing it with status error`, error);
			try {
				await isolated(sequelize, transaction, async () => insertCallbacks(sequelize, [errorRow(row, `Could not store the callback: ${messageOf(error)}`)], transaction));
			} catch (fallbackError) {
				throw storageError([row], fallbackError, transaction);
			}
		}
	}
}

function storageError(rows: CallbackRow[], error: unknown, transaction: Transaction | null | undefined): CallbackStorageError {
	if (error instanceof CallbackStorageError) {
		return error;
	}

	const [row] = rows as [CallbackRow];
	const what = rows.length === 1 ? `the callback of hook ${quote(row.hookName)}` : `the callbacks of hooks ${rows.map(each => quote(each.hookName)).join(', ')}`;
	const committed = transaction ? '' : '; the change ran without a transaction and is already committed';
	return new CallbackStorageError(`Could not store ${what} for ${row.model} ${quote(row.objectId)}: ${messageOf(error)}${committed}`, {cause: error});
}
