import type {QueryInterface, Sequelize, Transaction} from 'sequelize';
import {dialectOf} from './dialects/index.js';
import {MigrationStorage} from './migration-storage.js';
import * as initial from './migrations/0001-initial.js';
import * as callbacksReady from './migrations/0002-callbacks-ready.js';
import * as reportingIndexes from './migrations/0003-reporting-indexes.js';
import * as secretRotation from './migrations/0004-secret-rotation.js';
import * as endpointHealth from './migrations/0005-endpoint-health.js';
import * as orderedDelivery from './migrations/0006-ordered-delivery.js';
import * as longObjectIds from './migrations/0007-long-object-ids.js';
import * as hookRevisions from './migrations/0008-hook-revisions.js';
import * as hookConditions from './migrations/0009-hook-conditions.js';
import * as hookLimits from './migrations/0010-hook-limits.js';
import * as traceContext from './migrations/0012-trace-context.js';
import * as claimLeaseIndex from './migrations/0013-claim-lease-index.js';
import * as statusHookIndex from './migrations/0014-status-hook-index.js';

// Migrations are listed here, not globbed, so they work from the sources and from the build alike.
const migrations = [
	{name: '0001-initial', module: initial},
	{name: '0002-callbacks-ready', module: callbacksReady},
	{name: '0003-reporting-indexes', module: reportingIndexes},
	{name: '0004-secret-rotation', module: secretRotation},
	{name: '0005-endpoint-health', module: endpointHealth},
	{name: '0006-ordered-delivery', module: orderedDelivery},
	{name: '0007-long-object-ids', module: longObjectIds},
	{name: '0008-hook-revisions', module: hookRevisions},
	{name: '0009-hook-conditions', module: hookConditions},
	{name: '0010-hook-limits', module: hookLimits},
	{name: '0012-trace-context', module: traceContext},
	{name: '0013-claim-lease-index', module: claimLeaseIndex},
	{name: '0014-status-hook-index', module: statusHookIndex},
];

/**
 * Each migration runs holding the database's migration lock (PostgreSQL: an advisory lock;
 * SQLite: BEGIN IMMEDIATE, the write lock; MySQL: GET_LOCK), checks that no other process
 * applied it meanwhile, applies it and records it: exactly once, however many processes start
 * at the same moment. On PostgreSQL and SQLite all of it or none, in one transaction; MySQL
 * commits each DDL statement at once.
 */
async function applyOnce(sequelize: Sequelize, storage: MigrationStorage, name: string, up: (transaction: Transaction) => Promise<void>): Promise<boolean> {
	return dialectOf(sequelize).withMigrationLock(sequelize, async transaction => {
		if (await storage.isApplied(name, transaction)) {
			return false;
		}

		await up(transaction);
		await storage.logMigration({name}, transaction);
		return true;
	});
}

// umzug is loaded when migrations are run, not by every program that only checks for them.
async function umzugFor(sequelize: Sequelize, applied: string[]) {
	const {Umzug} = await import('umzug');
	const storage = new MigrationStorage(sequelize);
	return new Umzug<QueryInterface>({
		migrations: migrations.map(({name, module}) => ({
			name,
			async up({context}: {context: QueryInterface}) {
				if (await applyOnce(sequelize, storage, name, async transaction => module.up(context, transaction))) {
					applied.push(name);
				}
			},
			async down({context}: {context: QueryInterface}) {
				await module.down(context);
			},
		})),
		context: sequelize.getQueryInterface(),
		storage,
		logger: undefined,
	});
}

/** Apply the library's pending migrations and return the names of those this call applied. */
export async function migrate(sequelize: Sequelize): Promise<string[]> {
	const applied: string[] = [];
	await (await umzugFor(sequelize, applied)).up();
	return applied;
}

/** Names of the migrations not applied yet, in order. */
export async function pendingMigrations(sequelize: Sequelize): Promise<string[]> {
	const executed = new Set(await new MigrationStorage(sequelize).readExecuted());
	return migrations.map(migration => migration.name).filter(name => !executed.has(name));
}
