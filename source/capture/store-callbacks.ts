import type {Sequelize, Transaction} from 'sequelize';
import {CallbackStorageError, quote} from '../errors.js';
import {dialectTraits} from '../store/dialect-traits.js';
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
 * savepoint that is rolled back to on failure. Without a transaction, or on SQLite (a failed
 * statement is undone alone), the statements run as they are. The savepoint is not released:
 * that would be one more round trip, and it goes with the transaction anyway.
 */
export async function isolated<T>(sequelize: Sequelize, transaction: Transaction | null | undefined, work: () => Promise<T>): Promise<T> {
	if (!transaction || !dialectTraits(sequelize).failedStatementAbortsTransaction) {
		return work();
	}

	await sequelize.query(`SAVEPOINT ${savepoint}`, {transaction});
	try {
		return await work();
	} catch (error) {
		try {
			await sequelize.query(`ROLLBACK TO SAVEPOINT ${savepoint}`, {transaction});
		} catch (rollbackError) {
			throw new CallbackStorageError(`Could not roll back to the savepoint after a failed statement (${messageOf(rollbackError)}): ${messageOf(error)}`, {cause: error});
		}

		throw error;
	}
}

function messageOf(error: unknown): string {
	return error instanceof Error ? error.message : String(error);
}

/**
 * Build and store the callbacks of one firing, isolated from the app's transaction. When they
 * cannot be stored, each is tried again alone, and one that still fails is stored as an `error`
 * callback with the reason; when even that fails (or with raiseExceptions), the app's write
 * fails with CallbackStorageError. Never only a log line.
 */
export async function storeCallbacks(sequelize: Sequelize, build: () => Promise<CallbackRow[]>, settings: StoreSettings): Promise<void> {
	const {transaction} = settings;
	let rows: CallbackRow[] = [];
	try {
		await isolated(sequelize, transaction, async () => {
			rows = await build();
			await insertCallbacks(sequelize, rows, transaction);
		});
		return;
	} catch (error) {
		if (error instanceof CallbackStorageError || rows.length === 0) {
			throw error;
		}

		if (settings.raise) {
			throw storageError(rows[0]!, error, transaction);
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
				throw storageError(row, fallbackError, transaction);
			}
		}
	}
}

function storageError(row: CallbackRow, error: unknown, transaction: Transaction | null | undefined): CallbackStorageError {
	if (error instanceof CallbackStorageError) {
		return error;
	}

	const committed = transaction ? '' : '; the change ran without a transaction and is already committed';
	return new CallbackStorageError(`Could not store the callback of hook ${quote(row.hookName)} for ${row.model} ${quote(row.objectId)}: ${messageOf(error)}${committed}`, {cause: error});
}
