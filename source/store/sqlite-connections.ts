import type {Sequelize} from 'sequelize';

type SqliteConnection = {uuid?: string; close(callback?: (error: Error | null) => void): void};
type ConnectionManager = {
	connections: Record<string, SqliteConnection>;
	getConnection(options?: {uuid?: string}): Promise<SqliteConnection>;
	releaseConnection(connection: SqliteConnection, force?: boolean): void;
	_onProcessExit(): Promise<void>;
	httpHooksReused?: true;
};

// Two are enough: the sender runs one transaction at a time on SQLite (write-turns.ts).
const kept = 2;

/**
 * Give each new transaction a connection kept open from an earlier one. Sequelize opens a
 * SQLite connection per transaction (the file opened, the schema read at the first statement)
 * and closes it at the end; a sender writing its results in a transaction every few
 * milliseconds spent much of its time doing that. Only for instances the library opens itself
 * (the programs'): an app's own instance is left as it is.
 */
export function reuseSqliteConnections(sequelize: Sequelize): void {
	const manager = sequelize.connectionManager as unknown as ConnectionManager;
	if (sequelize.getDialect() !== 'sqlite' || manager.httpHooksReused) {
		return;
	}

	manager.httpHooksReused = true;
	const idle: SqliteConnection[] = [];
	const getConnection = manager.getConnection.bind(manager);
	const releaseConnection = manager.releaseConnection.bind(manager);
	const onExit = manager._onProcessExit.bind(manager);
	manager.getConnection = async (options = {}) => {
		const {uuid} = options;
		const connection = uuid && uuid !== 'default' && !manager.connections[uuid] ? idle.pop() : undefined;
		if (connection) {
			manager.connections[uuid!] = connection;
			return connection;
		}

		return getConnection(options);
	};

	// A transaction that ended cleanly releases its connection; one whose rollback failed is
	// destroyed instead (Sequelize's forceCleanup) and never comes here.
	manager.releaseConnection = (connection, force) => {
		const {uuid} = connection;
		if (uuid && uuid !== 'default' && !force && idle.length < kept && manager.connections[uuid] === connection) {
			delete manager.connections[uuid];
			idle.push(connection);
			return;
		}

		releaseConnection(connection, force);
	};

	manager._onProcessExit = async () => {
		await Promise.all(idle.splice(0).map(async connection => new Promise<void>(resolve => {
			connection.close(() => resolve());
		})));
		return onExit();
	};
}
