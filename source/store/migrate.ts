import type {QueryInterface, Sequelize} from 'sequelize';
import {Umzug} from 'umzug';
import {MigrationStorage} from './migration-storage.js';
import * as initial from './migrations/0001-initial.js';
import * as callbacksReady from './migrations/0002-callbacks-ready.js';

// Migrations are listed here, not globbed, so they work from the sources and from the build alike.
const migrations = [
	{name: '0001-initial', module: initial},
	{name: '0002-callbacks-ready', module: callbacksReady},
];

// Any fixed number: the key of the PostgreSQL advisory lock that serialises concurrent migrators.
const migrationLock = 7_311_905_214;

function umzugFor(sequelize: Sequelize) {
	const postgres = sequelize.getDialect() === 'postgres';
	return new Umzug<QueryInterface>({
		migrations: migrations.map(({name, module}) => ({
			name,
			// On PostgreSQL each migration runs in its own transaction: all of it or none.
			async up({context}: {context: QueryInterface}) {
				if (postgres) {
					await sequelize.transaction(async transaction => module.up(context, transaction));
				} else {
					await module.up(context);
				}
			},
			async down({context}: {context: QueryInterface}) {
				await module.down(context);
			},
		})),
		context: sequelize.getQueryInterface(),
		storage: new MigrationStorage(sequelize),
		logger: undefined,
	});
}

/**
 * Apply the library's pending migrations and return their names; safe to call again, and safe
 * when several processes start at once (PostgreSQL: an advisory lock makes them take turns).
 */
export async function migrate(sequelize: Sequelize): Promise<string[]> {
	if (sequelize.getDialect() !== 'postgres') {
		return names(await umzugFor(sequelize).up());
	}

	const manager = sequelize.connectionManager as unknown as {
		getConnection(options: object): Promise<{query(sql: string): Promise<unknown>}>;
		releaseConnection(connection: unknown): Promise<void>;
	};
	const connection = await manager.getConnection({type: 'write'});
	try {
		await connection.query(`SELECT pg_advisory_lock(${migrationLock})`);
		try {
			return names(await umzugFor(sequelize).up());
		} finally {
			await connection.query(`SELECT pg_advisory_unlock(${migrationLock})`);
		}
	} finally {
		await manager.releaseConnection(connection);
	}
}

/** Names of the migrations not applied yet. */
export async function pendingMigrations(sequelize: Sequelize): Promise<string[]> {
	return names(await umzugFor(sequelize).pending());
}

function names(list: Array<{name: string}>): string[] {
	return list.map(migration => migration.name);
}
