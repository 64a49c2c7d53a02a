import {DatabaseError, type Sequelize} from 'sequelize';
import {driverCall} from '../driver-call.js';
import {logStatement} from '../log-statement.js';

type Row = Record<string, unknown>;
type SqliteDatabase = {
	all(sql: string, values: unknown[], callback: (error: Error | null, rows: Row[]) => void): void;
	exec(sql: string, callback: (error: Error | null) => void): void;
	uuid?: string;
};
type ConnectionManager = {getConnection(options: {uuid: string; type: 'write'}): Promise<SqliteDatabase>; releaseConnection(connection: SqliteDatabase): void};

/** Runs a statement inside a kept transaction and returns its rows. */
export type RunAll = (sql: string, values: unknown[]) => Promise<Row[]>;

// Sequelize's key of the connection in its connection manager: closed with the instance.
const connectionKey = 'sequelize-http-hooks-writes';

/**
 * One SQLite connection a Sequelize instance keeps for the library's frequent writes (a
 * sender's results), running its transactions straight on the driver. Sequelize opens a new
 * connection for every transaction, and a new connection reads the schema again before its
 * first statement: per write that cost more than the write itself (measured: BEGIN at 3.2 ms,
 * the two statements at 1.7 ms). Transactions on it take turns; each begins IMMEDIATE, as the
 * library's writes do, and waits for another process's write lock within the busy timeout.
 */
class KeptConnection {
	#connection: Promise<SqliteDatabase> | undefined;
	#tail: Promise<unknown> = Promise.resolve();

	constructor(private readonly sequelize: Sequelize) {}

	async transaction<T>(work: (all: RunAll) => Promise<T>): Promise<T> {
		const result = this.#tail.then(async () => this.#run(work));
		this.#tail = result.catch(() => undefined);
		return result;
	}

	async #run<T>(work: (all: RunAll) => Promise<T>): Promise<T> {
		const manager = this.sequelize.connectionManager as unknown as ConnectionManager;
		this.#connection ??= manager.getConnection({uuid: connectionKey, type: 'write'}).then(connection => {
			// Sequelize closes a connection on release by this key.
			connection.uuid = connectionKey;
			return connection;
		});
		let connection: SqliteDatabase;
		try {
			connection = await this.#connection;
		} catch (error) {
			this.#connection = undefined;
			throw error;
		}

		const all: RunAll = async (sql, values) => this.#all(connection, sql, values);
		await this.#exec(connection, 'BEGIN IMMEDIATE');
		try {
			const result = await work(all);
			await this.#exec(connection, 'COMMIT');
			return result;
		} catch (error) {
			try {
				await this.#exec(connection, 'ROLLBACK');
			} catch {
				// Nothing to undo (the failure ended the transaction), or the connection is broken:
				// a new one is opened for the next transaction.
				this.#connection = undefined;
				manager.releaseConnection(connection);
			}

			throw error;
		}
	}

	async #exec(connection: SqliteDatabase, sql: string): Promise<void> {
		logStatement(this.sequelize, sql, connectionKey);
		await driverCall(done => {
			connection.exec(sql, done);
		}).catch((error: unknown) => {
			throw asDatabaseError(error as Error, sql);
		});
	}

	async #all(connection: SqliteDatabase, sql: string, values: unknown[]): Promise<Row[]> {
		logStatement(this.sequelize, sql, connectionKey);
		return driverCall<Row[]>(done => {
			connection.all(sql, values, done);
		}).catch((error: unknown) => {
			throw asDatabaseError(error as Error, sql);
		});
	}
}

// Carried as Sequelize carries a driver's error, so that callers tell database failures (and
// SQLITE_BUSY, by `original.code`) from their own.
function asDatabaseError(error: Error, sql: string): DatabaseError {
	return new DatabaseError(Object.assign(error, {sql, parameters: {}}) as ConstructorParameters<typeof DatabaseError>[0]);
}

const kept = new WeakMap<Sequelize, KeptConnection>();

/** The kept connection of a SQLite Sequelize instance (opened on first use). */
export function keptConnection(sequelize: Sequelize): KeptConnection {
	let connection = kept.get(sequelize);
	if (!connection) {
		connection = new KeptConnection(sequelize);
		kept.set(sequelize, connection);
	}

	return connection;
}
