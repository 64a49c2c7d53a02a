import type {Sequelize} from 'sequelize';

type SqliteConnection = {configure(option: 'busyTimeout', value: number): void};
type ConnectionManager = {getConnection(options?: unknown): Promise<SqliteConnection>; httpHooksBusyTimeout?: number};

/**
 * Make every SQLite connection of the instance wait for another process's write lock instead
 * of failing at once with SQLITE_BUSY: the app, senders and the console share one file.
 * Sequelize opens a connection per transaction, so each new one is configured as it comes.
 */
export function applySqliteBusyTimeout(sequelize: Sequelize, milliseconds: number): void {
	if (sequelize.getDialect() !== 'sqlite') {
		return;
	}

	const manager = sequelize.connectionManager as unknown as ConnectionManager;
	if (manager.httpHooksBusyTimeout !== undefined) {
		manager.httpHooksBusyTimeout = Math.max(manager.httpHooksBusyTimeout, milliseconds);
		return;
	}

	manager.httpHooksBusyTimeout = milliseconds;
	const configured = new WeakSet<SqliteConnection>();
	const getConnection = manager.getConnection.bind(manager);
	manager.getConnection = async options => {
		const connection = await getConnection(options);
		if (!configured.has(connection)) {
			connection.configure('busyTimeout', manager.httpHooksBusyTimeout!);
			configured.add(connection);
		}

		return connection;
	};
}
