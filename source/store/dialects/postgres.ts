import {DataTypes, QueryTypes, type Sequelize} from 'sequelize';
import type {DirectDriver, SqlDialect, UpdateReturning} from './dialect.js';
import {attemptColumns, attemptValues, notRecorded, outcomeValues, recorded, setOutcome} from './results-sql.js';
import {addFailuresOnConflict, deleteBatchInSubquery} from './standard-sql.js';

// Any fixed number: the key of the advisory lock that serialises concurrent migrators.
const migrationLock = 7_311_905_214;

const time = (date: Date) => date.toISOString();

// The rows of a batch travel as one JSON parameter each, unpacked by the database.
const attemptRows = 'SELECT * FROM json_to_recordset($2::json) AS a(callback_id bigint, attempt integer, started_at timestamptz, duration_ms integer, status_code integer, error text, response_body text)';
const outcomeRows = 'SELECT * FROM json_to_recordset($1::json) AS o(id bigint, status varchar, details text, next_at timestamptz)';

// json_to_recordset takes objects: each row's values under its column names.
function recordSet(rows: unknown[][], keys: string[]): string {
	return JSON.stringify(rows.map(row => Object.fromEntries(keys.map((key, index) => [key, row[index]]))));
}

async function updateReturning<T extends object>(sequelize: Sequelize, {table, columns, where, set, replacements, order = '', limit, transaction}: UpdateReturning): Promise<T[]> {
	const sql = limit === undefined
		? `UPDATE ${table} SET ${set} WHERE ${where} RETURNING ${columns.join(', ')}`
		// `id = ANY(ARRAY(…))` makes the picked ids one parameter looked up in the primary key;
		// a join with the CTE is planned as a hash join over a scan of the whole table.
		: `WITH picked AS (
				SELECT id FROM ${table} WHERE ${where} ${order} LIMIT :limit FOR UPDATE SKIP LOCKED
			)
			UPDATE ${table} AS c SET ${set} WHERE c.id = ANY(ARRAY(SELECT id FROM picked))
			RETURNING ${columns.map(column => `c.${column}`).join(', ')}`;
	return sequelize.query<T>(sql, {replacements: {...replacements, limit}, type: QueryTypes.SELECT, transaction});
}

type PgClient = {query(config: {text: string; values: unknown[]}): Promise<unknown>};

const direct: DirectDriver = {
	placeholders: 'numbered',
	async run(connection, sql, values) {
		await (connection as PgClient).query({text: sql, values});
	},
};

/** PostgreSQL: row locks, FOR UPDATE SKIP LOCKED, data-modifying CTEs, LISTEN/NOTIFY. */
export const postgresDialect: SqlDialect = {
	family: 'postgres',
	failedStatementAbortsTransaction: true,
	writesTakeTurns: false,
	notifications: true,
	time,
	direct,
	// PostgreSQL text cannot hold NUL, and Sequelize silently binds it as the two characters `\0`.
	unstorable: text => text.includes('\0') ? 'it contains the NUL character (U+0000), which PostgreSQL cannot store in text' : undefined,
	// Bound positionally: a long statement costs nothing more per value.
	rowsPerInsert: 500,
	bytesPerInsert: undefined,
	async retryingLockConflicts(work) {
		return work();
	},
	updateReturning,
	async recordResults(sequelize, worker, attempts, outcomes, now) {
		// One statement: data-modifying CTEs commit together.
		const rows = await sequelize.query<{kind: string; id: string}>(
			`WITH v AS (${outcomeRows}),
			inserted AS (INSERT INTO http_callback_attempts (${attemptColumns}) SELECT * FROM (${attemptRows}) AS a WHERE ${notRecorded} RETURNING callback_id),
			updated AS (UPDATE http_callbacks AS c SET ${setOutcome('c', '$3', '$4')} RETURNING c.id)
			SELECT 'updated' AS kind, id FROM updated UNION ALL SELECT 'inserted', callback_id FROM inserted`,
			{
				bind: [
					recordSet(outcomeValues(outcomes, time), ['id', 'status', 'details', 'next_at']),
					recordSet(attemptValues(attempts, time), attemptColumns.split(', ')),
					now, worker,
				],
				type: QueryTypes.SELECT,
			},
		);
		return recorded(rows);
	},
	deleteBatch: deleteBatchInSubquery,
	// clock_timestamp(), not now() (the transaction's start, before the lock wait); the row lock
	// keeps other senders' claims of the hook waiting.
	bucket: {
		createBucket: 'INSERT INTO http_hook_rate_buckets (hook_id, tokens, refilled_ms) VALUES (:hookId, :burst, (EXTRACT(EPOCH FROM clock_timestamp()) * 1000)) ON CONFLICT (hook_id) DO NOTHING',
		readBucket: 'SELECT tokens, refilled_ms, (EXTRACT(EPOCH FROM clock_timestamp()) * 1000) AS now_ms FROM http_hook_rate_buckets WHERE hook_id = :hookId FOR UPDATE',
		transaction: {},
	},
	addFailures: addFailuresOnConflict,
	recordMigration: table => `INSERT INTO ${table} (name) VALUES (?) ON CONFLICT DO NOTHING`,
	// An advisory lock held until the migration's transaction ends.
	async withMigrationLock(sequelize, work) {
		return sequelize.transaction(async transaction => {
			await sequelize.query(`SELECT pg_advisory_xact_lock(${migrationLock})`, {transaction});
			return work(transaction);
		});
	},
	// An advisory transaction lock on the name's hash (a collision only makes two names wait for
	// each other), keyed apart from the app's locks.
	async lockName(sequelize, name, transaction) {
		await sequelize.query('SELECT pg_advisory_xact_lock(:space, hashtext(:name))', {replacements: {space: 0x48_6f_6f_6b, name}, transaction});
	},
	containsText: (column, parameter) => `${column} ILIKE ${parameter} ESCAPE '\\'`,
	likeEscape: '\\',
	concat: (...parts) => `(${parts.join(' || ')})`,
	integerDivision: (dividend, divisor) => `((${dividend}) / (${divisor}))`,
	schema: {
		bigId: DataTypes.BIGINT,
		date: DataTypes.DATE,
		text: DataTypes.TEXT,
		longText: DataTypes.TEXT,
		tableOptions: {},
		textDefaults: true,
		// Statement level, and a notification to every listening process (with the schema's name,
		// so that apps in other schemas of one database stay apart).
		versionTriggers: tables => [
			`CREATE FUNCTION http_hooks_bump_version() RETURNS trigger AS $$
			BEGIN
				UPDATE http_hooks_state SET version = version + 1 WHERE id = 1;
				PERFORM pg_notify('http_hooks_changed', current_schema());
				RETURN NULL;
			END
			$$ LANGUAGE plpgsql`,
			...tables.map(table => `CREATE TRIGGER ${table}_changed AFTER INSERT OR UPDATE OR DELETE ON ${table}
				FOR EACH STATEMENT EXECUTE FUNCTION http_hooks_bump_version()`),
		],
		// Every statement that inserts callbacks notifies `http_callbacks_ready`, so that `--watch`
		// senders wake at once. Statement level: a bulk insert notifies once.
		readyTriggers: [
			`CREATE FUNCTION http_callbacks_notify_ready() RETURNS trigger AS $$
			BEGIN
				PERFORM pg_notify('http_callbacks_ready', current_schema());
				RETURN NULL;
			END
			$$ LANGUAGE plpgsql`,
			`CREATE TRIGGER http_callbacks_ready AFTER INSERT ON http_callbacks
				FOR EACH STATEMENT EXECUTE FUNCTION http_callbacks_notify_ready()`,
		],
		// BEFORE UPDATE: the row itself carries the next revision, whatever the statement set.
		revisionTriggers: [
			`CREATE FUNCTION http_hooks_next_revision() RETURNS trigger AS $$
			BEGIN
				NEW.revision := OLD.revision + 1;
				RETURN NEW;
			END
			$$ LANGUAGE plpgsql`,
			`CREATE TRIGGER http_hooks_revision BEFORE UPDATE ON http_hooks
				FOR EACH ROW EXECUTE FUNCTION http_hooks_next_revision()`,
			`CREATE FUNCTION http_hook_links_touch_hook() RETURNS trigger AS $$
			BEGIN
				UPDATE http_hooks SET revision = revision + 1 WHERE id = (CASE WHEN TG_OP = 'DELETE' THEN OLD.hook_id ELSE NEW.hook_id END);
				RETURN NULL;
			END
			$$ LANGUAGE plpgsql`,
			`CREATE TRIGGER http_hook_signal_links_revision AFTER INSERT OR UPDATE OR DELETE ON http_hook_signal_links
				FOR EACH ROW EXECUTE FUNCTION http_hook_links_touch_hook()`,
		],
		// Partial: only the unfinished callbacks with a key, so the check is one short probe.
		orderingIndex: `CREATE INDEX http_callbacks_ordering ON http_callbacks (hook_id, ordering_key, id)
			WHERE ordering_key IS NOT NULL AND status IN ('waiting', 'sending')`,
		leaseIndex: false,
		statusHookIndex: false,
		// A change of type that rewrites nothing.
		longObjectIds: ['ALTER TABLE http_callbacks ALTER COLUMN object_id TYPE TEXT'],
		shortObjectIds: ['ALTER TABLE http_callbacks ALTER COLUMN object_id TYPE VARCHAR(255) USING left(object_id, 255)'],
		async dropHookColumn(queryInterface, column) {
			await queryInterface.removeColumn('http_hooks', column);
		},
		dropTriggers: {
			version: ['DROP FUNCTION IF EXISTS http_hooks_bump_version()'],
			ready: ['DROP TRIGGER IF EXISTS http_callbacks_ready ON http_callbacks', 'DROP FUNCTION IF EXISTS http_callbacks_notify_ready()'],
			revision: [
				'DROP TRIGGER IF EXISTS http_hook_signal_links_revision ON http_hook_signal_links',
				'DROP TRIGGER IF EXISTS http_hooks_revision ON http_hooks',
				'DROP FUNCTION IF EXISTS http_hook_links_touch_hook()',
				'DROP FUNCTION IF EXISTS http_hooks_next_revision()',
			],
		},
	},
};
