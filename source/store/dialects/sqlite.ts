import {DataTypes, QueryTypes, Transaction, type Sequelize} from 'sequelize';
import type {DirectDriver, SqlDialect, UpdateReturning} from './dialect.js';
import {attemptColumns, attemptValues, notRecorded, outcomeValues, recorded, setOutcome} from './results-sql.js';
import {driverCall} from '../driver-call.js';
import {keptConnection} from './sqlite-kept-connection.js';
import {addFailuresOnConflict, deleteBatchInSubquery} from './standard-sql.js';

// SQLite DATE columns hold the text Sequelize writes ('2026-01-31 12:00:00.000 +00:00'), so
// that comparisons in SQL stay right.
const time = (date: Date) => `${date.toISOString().replace('T', ' ').replace('Z', '')} +00:00`;

// The rows of a batch travel as one JSON parameter, unpacked by the database: several times
// cheaper than a multi-row VALUES list with seven parameters a row (measured).
const attemptRows = 'SELECT value->>0 AS callback_id, value->>1 AS attempt, value->>2 AS started_at, value->>3, value->>4, value->>5, value->>6 FROM json_each($1)';
const outcomeRows = 'SELECT value->>0 AS id, value->>1 AS status, value->>2 AS details, value->>3 AS next_at FROM json_each($1)';

const clockMs = '((julianday(\'now\') - 2440587.5) * 86400000.0)';

// One UPDATE … RETURNING is atomic by itself: the file's write lock keeps every other writer out.
async function updateReturning<T extends object>(sequelize: Sequelize, {table, columns, where, set, replacements, order = '', limit, transaction}: UpdateReturning): Promise<T[]> {
	const picked = limit === undefined ? where : `id IN (SELECT id FROM ${table} WHERE ${where} ${order} LIMIT :limit)`;
	return sequelize.query<T>(`UPDATE ${table} SET ${set} WHERE ${picked} RETURNING ${columns.join(', ')}`, {replacements: {...replacements, limit}, type: QueryTypes.SELECT, transaction});
}

type SqliteDatabase = {run(sql: string, values: unknown[], callback: (error: Error | null) => void): void};

// Bound by position: the driver binds `$n` by name, at a cost that grows with the number of
// values (measured: 200 rows of 19 values, 180 µs per row with `$n`, 18–32 µs with `?`).
// Bigints as text, as Sequelize binds them (the driver would refuse them).
const direct: DirectDriver = {
	placeholders: 'positional',
	async run(connection, sql, values) {
		await driverCall(done => {
			(connection as SqliteDatabase).run(sql, values.map(value => typeof value === 'bigint' ? value.toString() : value), done);
		});
	},
};

const tablesOfTriggers = (tables: string[]) => tables.flatMap(table => ['insert', 'update', 'delete'].map(operation => ({table, operation})));

/** SQLite: one file, one write lock; RETURNING; no notifications. */
export const sqliteDialect: SqlDialect = {
	family: 'sqlite',
	failedStatementAbortsTransaction: false,
	writesTakeTurns: true,
	notifications: false,
	time,
	unstorable: () => undefined,
	direct,
	// Bound by position (`?`, see `direct`): the cost per row is flat from about
	// 25 rows on; 100 keeps a statement's 1,900 values far below SQLite's limit (32,766).
	rowsPerInsert: 100,
	bytesPerInsert: undefined,
	async retryingLockConflicts(work) {
		return work();
	},
	updateReturning,
	// On the kept connection: a Sequelize transaction would open a new connection for each write.
	async recordResults(sequelize, worker, attempts, outcomes, now) {
		const rows = await keptConnection(sequelize).transaction(async all => {
			const inserted = await all(
				`WITH a AS (${attemptRows}) INSERT INTO http_callback_attempts (${attemptColumns}) SELECT * FROM a WHERE ${notRecorded} RETURNING callback_id AS id`,
				[JSON.stringify(attemptValues(attempts, time))],
			);
			const updated = await all(
				// MATERIALIZED: else SQLite walks the callbacks being sent and scans the JSON for each.
				`WITH v AS MATERIALIZED (${outcomeRows}) UPDATE http_callbacks SET ${setOutcome('http_callbacks', '$2', '$3')} RETURNING id`,
				[JSON.stringify(outcomeValues(outcomes, time)), time(now), worker],
			);
			return [...inserted.map(({id}) => ({kind: 'inserted', id: id as number})), ...updated.map(({id}) => ({kind: 'updated', id: id as number}))];
		});
		return recorded(rows);
	},
	deleteBatch: deleteBatchInSubquery,
	// The IMMEDIATE transaction holds the file's write lock, which keeps every other writer waiting.
	bucket: {
		createBucket: `INSERT INTO http_hook_rate_buckets (hook_id, tokens, refilled_ms) VALUES (:hookId, :burst, ${clockMs}) ON CONFLICT (hook_id) DO NOTHING`,
		readBucket: `SELECT tokens, refilled_ms, ${clockMs} AS now_ms FROM http_hook_rate_buckets WHERE hook_id = :hookId`,
		transaction: {type: Transaction.TYPES.IMMEDIATE},
	},
	addFailures: addFailuresOnConflict,
	recordMigration: table => `INSERT INTO ${table} (name) VALUES (?) ON CONFLICT DO NOTHING`,
	// BEGIN IMMEDIATE: the file's write lock, held until the migration's transaction ends.
	async withMigrationLock(sequelize, work) {
		return sequelize.transaction({type: Transaction.TYPES.IMMEDIATE}, async transaction => work(transaction));
	},
	// Nothing: the library's writes begin IMMEDIATE and hold the file's write lock.
	async lockName() {
		return undefined;
	},
	// Case-insensitive for ASCII by itself; SQLite knows no default escape character.
	containsText: (column, parameter) => `${column} LIKE ${parameter} ESCAPE '\\'`,
	likeEscape: '\\',
	concat: (...parts) => `(${parts.join(' || ')})`,
	integerDivision: (dividend, divisor) => `((${dividend}) / (${divisor}))`,
	schema: {
		// SQLite's INTEGER is 64-bit already.
		bigId: DataTypes.INTEGER,
		date: DataTypes.DATE,
		text: DataTypes.TEXT,
		longText: DataTypes.TEXT,
		tableOptions: {},
		textDefaults: true,
		versionTriggers: tables => tablesOfTriggers(tables).map(({table, operation}) => `CREATE TRIGGER ${table}_${operation} AFTER ${operation.toUpperCase()} ON ${table}
			BEGIN UPDATE http_hooks_state SET version = version + 1 WHERE id = 1; END`),
		readyTriggers: [],
		// SQLite cannot change NEW: an AFTER trigger moves the revision unless the statement already
		// did (recursive triggers are off, so its own UPDATE does not fire it again).
		revisionTriggers: [
			`CREATE TRIGGER http_hooks_revision AFTER UPDATE ON http_hooks WHEN NEW.revision <= OLD.revision
				BEGIN UPDATE http_hooks SET revision = OLD.revision + 1 WHERE id = NEW.id; END`,
			`CREATE TRIGGER http_hook_signal_links_revision_insert AFTER INSERT ON http_hook_signal_links
				BEGIN UPDATE http_hooks SET revision = revision + 1 WHERE id = NEW.hook_id; END`,
			`CREATE TRIGGER http_hook_signal_links_revision_update AFTER UPDATE ON http_hook_signal_links
				BEGIN UPDATE http_hooks SET revision = revision + 1 WHERE id IN (OLD.hook_id, NEW.hook_id); END`,
			`CREATE TRIGGER http_hook_signal_links_revision_delete AFTER DELETE ON http_hook_signal_links
				BEGIN UPDATE http_hooks SET revision = revision + 1 WHERE id = OLD.hook_id; END`,
		],
		orderingIndex: `CREATE INDEX http_callbacks_ordering ON http_callbacks (hook_id, ordering_key, id)
			WHERE ordering_key IS NOT NULL AND status IN ('waiting', 'sending')`,
		leaseIndex: false,
		statusHookIndex: false,
		// SQLite never enforced the length.
		longObjectIds: [],
		shortObjectIds: [],
		// Not removeColumn: on SQLite it rebuilds the table, which drops the table's triggers.
		async dropHookColumn(queryInterface, column) {
			await queryInterface.sequelize.query(`ALTER TABLE http_hooks DROP COLUMN ${queryInterface.quoteIdentifier(column)}`);
		},
		dropTriggers: {
			version: [],
			ready: [],
			revision: ['http_hook_signal_links_revision_delete', 'http_hook_signal_links_revision_update', 'http_hook_signal_links_revision_insert', 'http_hooks_revision']
				.map(trigger => `DROP TRIGGER IF EXISTS ${trigger}`),
		},
	},
};
