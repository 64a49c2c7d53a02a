import {setTimeout as sleep} from 'node:timers/promises';
import {DataTypes, QueryTypes, Transaction, type Sequelize} from 'sequelize';
import {HttpHooksError} from '../../errors.js';
import {driverCall} from '../driver-call.js';
import type {AttemptRow, DirectDriver, OutcomeRow, SqlDialect, UpdateReturning} from './dialect.js';

/*
 * MySQL 8 and MariaDB 10.6+ (Sequelize's `mysql` and `mariadb` dialects): only statements both
 * accept. Neither has RETURNING on UPDATE, ON CONFLICT, `||` as concatenation, partial indexes,
 * statement triggers or LISTEN; both have FOR UPDATE SKIP LOCKED, JSON_TABLE, window functions,
 * GET_LOCK and INSERT … ON DUPLICATE KEY UPDATE. DDL commits at once: a migration is not atomic,
 * and the migration lock is what keeps migrators apart.
 */

// Errors that undo a transaction (deadlock) or a statement (lock wait timeout) and that the
// same work, tried again, gets past: they are never final.
const lockConflicts = new Set([1213, 1205]);
const lockConflictTries = 8;

function isLockConflict(error: unknown): boolean {
	const {original, parent} = (error ?? {}) as {original?: {errno?: number}; parent?: {errno?: number}};
	const errno = original?.errno ?? parent?.errno ?? (error as {errno?: number} | undefined)?.errno;
	return errno !== undefined && lockConflicts.has(errno);
}

// How long a migrator waits for another one to finish, in seconds.
const migrationLockWaitSeconds = 600;
// GET_LOCK names are server-wide: the database's name makes them one per database (a hash, as
// names are at most 64 characters).
const migrationLockName = 'CONCAT(\'http_hooks_migrate_\', SHA1(DATABASE()))';

// Bound bytes per statement: well under the default max_allowed_packet (16 MiB on MariaDB,
// 64 MiB on MySQL 8), whatever the payloads weigh.
const bytesPerStatement = 4 * 1024 * 1024;

// The clock of every sender: SYSDATE(3) is read when the row is (after a lock wait), not when
// the statement started, like PostgreSQL's clock_timestamp().
const clockMs = '(UNIX_TIMESTAMP(SYSDATE(3)) * 1000)';

const attemptTable = `JSON_TABLE($1, '$[*]' COLUMNS (
	callback_id BIGINT PATH '$.callback_id', attempt INT PATH '$.attempt', started_at DATETIME(3) PATH '$.started_at',
	duration_ms INT PATH '$.duration_ms', status_code INT PATH '$.status_code',
	error MEDIUMTEXT PATH '$.error', response_body MEDIUMTEXT PATH '$.response_body')) AS a`;
const outcomeTable = `JSON_TABLE($1, '$[*]' COLUMNS (
	id BIGINT PATH '$.id', status VARCHAR(16) PATH '$.status', details MEDIUMTEXT PATH '$.details', next_at DATETIME(3) PATH '$.next_at')) AS o`;

// A cancelled callback keeps its status and the cancel's details. MySQL assigns left to right,
// each assignment seeing the ones before: the status goes last.
const setOutcome = `c.status_details = CASE WHEN c.status = 'cancelled' THEN c.status_details ELSE v.details END,
	c.next_attempt_at = CASE WHEN c.status = 'cancelled' THEN NULL ELSE COALESCE(v.next_at, c.next_attempt_at) END,
	c.attempts = c.attempts + 1, c.lease_until = NULL, c.locked_by = NULL, c.updated_at = $2,
	c.status = CASE WHEN c.status = 'cancelled' THEN c.status ELSE v.status END`;

// JSON objects without their null members: a member left out reads as NULL on both servers.
function jsonRows(rows: Array<Record<string, unknown>>): string {
	return JSON.stringify(rows.map(row => Object.fromEntries(Object.entries(row).filter(([, value]) => value !== null && value !== undefined))));
}

// Rows cut into JSON documents of at most bytesPerStatement each (one row may be alone and larger).
function jsonChunks(rows: Array<Record<string, unknown>>): string[] {
	const chunks: string[] = [];
	let chunk: Array<Record<string, unknown>> = [];
	let bytes = 0;
	for (const row of rows) {
		const size = Buffer.byteLength(JSON.stringify(row));
		if (chunk.length > 0 && bytes + size > bytesPerStatement) {
			chunks.push(jsonRows(chunk));
			chunk = [];
			bytes = 0;
		}

		chunk.push(row);
		bytes += size;
	}

	if (chunk.length > 0) {
		chunks.push(jsonRows(chunk));
	}

	return chunks;
}

const tablesOfTriggers = (tables: string[]) => tables.flatMap(table => ['insert', 'update', 'delete'].map(operation => ({table, operation})));

/**
 * A time as the DATETIME(3) columns hold it: the instance's time zone (Sequelize's `timezone`
 * option, UTC unless the app set one), to the millisecond, as Sequelize writes model values.
 */
function timeIn(timezone: string): (date: Date) => string {
	const type = new (DataTypes as unknown as {mysql: {DATE: new (length: number) => {stringify(date: Date, options: {timezone: string}): string}}}).mysql.DATE(3);
	return date => type.stringify(date, {timezone});
}

/** The MySQL/MariaDB dialect for a Sequelize instance (its time zone decides how times are written). */
type Mysql2Connection = {execute(sql: string, values: unknown[], callback: (error: Error | null) => void): void};
type MariadbConnection = {query(sql: string, values: unknown[]): Promise<unknown>};

// The drivers' own calls, as Sequelize makes them: mysql2 prepares the statement (and keeps it
// for the next time), mariadb sends it with the values.
const directDrivers: Record<'mysql' | 'mariadb', DirectDriver> = {
	mysql: {
		placeholders: 'positional',
		async run(connection, sql, values) {
			await driverCall(done => {
				(connection as Mysql2Connection).execute(sql, values.map(value => value ?? null), done);
			});
		},
	},
	mariadb: {
		placeholders: 'positional',
		async run(connection, sql, values) {
			await (connection as MariadbConnection).query(sql, values.map(value => value ?? null));
		},
	},
};

// A claim's transaction (see updateReturning below).
const claimTransaction = {isolationLevel: Transaction.ISOLATION_LEVELS.READ_COMMITTED};

export function createMysqlDialect(sequelize: Sequelize): SqlDialect {
	const time = timeIn((sequelize as unknown as {options: {timezone?: string}}).options.timezone ?? '+00:00');

	// Pick with a locking read (skipping rows others hold when a limit is given), then update
	// exactly the rows picked, in one transaction: the picked rows' values are what is returned.
	// READ COMMITTED (for this transaction only: Sequelize sends SET TRANSACTION, not SET SESSION):
	// under the default REPEATABLE READ the read also locks the gap after the last row it looks
	// at, and the app's INSERT of a new callback due now waited for an idle sender's claim there.
	// The rows locked and their values are the same: a locking read reads the newest row either way.
	async function updateReturning<T extends object>(sequelize: Sequelize, {table, columns, where, set, replacements, order = '', limit, transaction}: UpdateReturning): Promise<T[]> {
		if (!columns.includes('id')) {
			throw new HttpHooksError('updateReturning needs the id column among the columns it returns');
		}

		const run = async (transaction: Transaction) => {
			const rows = await sequelize.query<T & {id: number | string}>(
				`SELECT ${columns.join(', ')} FROM ${table} WHERE ${where} ${order}${limit === undefined ? ' FOR UPDATE' : ' LIMIT :limit FOR UPDATE SKIP LOCKED'}`,
				{replacements: {...replacements, limit}, type: QueryTypes.SELECT, transaction},
			);
			if (rows.length > 0) {
				await sequelize.query(`UPDATE ${table} SET ${set} WHERE id IN (:picked)`, {replacements: {...replacements, picked: rows.map(row => row.id)}, transaction});
			}

			return rows;
		};

		return transaction ? run(transaction) : sequelize.transaction({...claimTransaction}, run);
	}

	async function recordResults(sequelize: Sequelize, worker: string, attempts: AttemptRow[], outcomes: OutcomeRow[], now: Date) {
		const ids = [...new Set([...attempts.map(row => row.callbackId), ...outcomes.map(row => row.id)])];
		return sequelize.transaction(async transaction => {
			// The callbacks still held first: inserting their attempts takes a shared lock on them
			// (the foreign key), which the update would then have to raise.
			const held = await sequelize.query<{id: number | string}>(
				'SELECT id FROM http_callbacks WHERE id IN (:ids) AND locked_by = :worker AND status IN (\'sending\', \'cancelled\') FOR UPDATE',
				{replacements: {ids, worker}, type: QueryTypes.SELECT, transaction},
			);
			const known = await sequelize.query<{callback_id: number | string; attempt: number | string; started_at: Date | string}>(
				'SELECT callback_id, attempt, started_at FROM http_callback_attempts WHERE callback_id IN (:ids)',
				{replacements: {ids}, type: QueryTypes.SELECT, transaction},
			);
			// An attempt is known by its callback, number and start time (see results-sql.ts).
			const recorded = new Set(known.map(row => `${Number(row.callback_id)}:${Number(row.attempt)}:${new Date(row.started_at).getTime()}`));
			const fresh = attempts.filter(row => !recorded.has(`${row.callbackId}:${row.attempt}:${row.startedAt.getTime()}`));
			const rows = fresh.map(row => ({
				callback_id: row.callbackId, attempt: row.attempt, started_at: time(row.startedAt), duration_ms: row.durationMs,
				status_code: row.statusCode, error: row.error, response_body: row.responseBody,
			}));
			for (const chunk of jsonChunks(rows)) {
				await sequelize.query(
					`INSERT INTO http_callback_attempts (callback_id, attempt, started_at, duration_ms, status_code, error, response_body)
					SELECT a.callback_id, a.attempt, a.started_at, a.duration_ms, a.status_code, a.error, a.response_body FROM ${attemptTable}`,
					{bind: [chunk], type: QueryTypes.INSERT, transaction},
				);
			}

			const heldIds = new Set(held.map(row => Number(row.id)));
			const applied = outcomes.filter(row => heldIds.has(row.id)).map(row => ({
				id: row.id, status: row.status, details: row.details, next_at: row.nextAt === null ? null : time(row.nextAt),
			}));
			// The ids again, by primary key: else InnoDB walks the table to join and locks every row
			// it passes, another write's held ones included, and waits for them.
			const appliedIds = applied.map(row => row.id);
			for (const chunk of jsonChunks(applied)) {
				await sequelize.query(
					`UPDATE http_callbacks AS c JOIN (SELECT o.id, o.status, o.details, o.next_at FROM ${outcomeTable}) AS v ON v.id = c.id
					SET ${setOutcome} WHERE c.id IN (${appliedIds.map((_, index) => `$${index + 4}`).join(', ')}) AND c.locked_by = $3 AND c.status IN ('sending', 'cancelled')`,
					{bind: [chunk, time(now), worker, ...appliedIds], type: QueryTypes.UPDATE, transaction},
				);
			}

			return {inserted: fresh.map(row => row.callbackId), updated: [...heldIds]};
		});
	}

	return {
		family: 'mysql',
		failedStatementAbortsTransaction: false,
		writesTakeTurns: false,
		notifications: false,
		time,
		direct: directDrivers[sequelize.getDialect() === 'mariadb' ? 'mariadb' : 'mysql'],
		// utf8mb4 text holds every character, NUL included.
		unstorable: () => undefined,
		rowsPerInsert: 200,
		bytesPerInsert: bytesPerStatement,
		async retryingLockConflicts<T>(work: () => Promise<T>): Promise<T> {
			for (let attempt = 1; ; attempt++) {
				try {
					return await work();
				} catch (error) {
					if (attempt >= lockConflictTries || !isLockConflict(error)) {
						throw error;
					}

					// A short, spread wait: the transactions that met now meet again less likely.
					await sleep(Math.round((5 + (Math.random() * 20)) * attempt));
				}
			}
		},
		updateReturning,
		recordResults,
		// The oldest ids first through the created_at index, then deleted by primary key with the
		// condition checked again (MySQL cannot DELETE with a subquery on the same table).
		async deleteBatch(sequelize, where, replacements) {
			const rows = await sequelize.query<{id: number | string}>(
				`SELECT id FROM http_callbacks WHERE ${where} ORDER BY created_at LIMIT :batchSize`,
				{replacements, type: QueryTypes.SELECT},
			);
			if (rows.length === 0) {
				return {deleted: 0, full: false};
			}

			const deleted = await sequelize.query(
				`DELETE FROM http_callbacks WHERE id IN (:picked) AND ${where}`,
				{replacements: {...replacements, picked: rows.map(row => row.id)}, type: QueryTypes.BULKDELETE},
			) as unknown as number;
			return {deleted, full: rows.length >= replacements.batchSize};
		},
		// The row lock of the bucket keeps other senders' claims of the hook waiting.
		bucket: {
			createBucket: `INSERT INTO http_hook_rate_buckets (hook_id, tokens, refilled_ms) VALUES (:hookId, :burst, ${clockMs}) ON DUPLICATE KEY UPDATE hook_id = hook_id`,
			readBucket: `SELECT tokens, refilled_ms, ${clockMs} AS now_ms FROM http_hook_rate_buckets WHERE hook_id = :hookId FOR UPDATE`,
			// The claim of a limited hook runs in this transaction: READ COMMITTED, as every claim.
			transaction: claimTransaction,
		},
		// VALUES(): what the INSERT would have written (MySQL 8.0.20 deprecates it, MariaDB has no other way).
		addFailures: `INSERT INTO http_hook_health (hook_id, consecutive_failures, updated_at) VALUES (:hookId, :failures, :now)
			ON DUPLICATE KEY UPDATE consecutive_failures = (CASE WHEN :reset = 1 THEN 0 ELSE consecutive_failures END) + VALUES(consecutive_failures),
				updated_at = VALUES(updated_at)`,
		recordMigration: table => `INSERT INTO ${table} (name) VALUES (?) ON DUPLICATE KEY UPDATE name = name`,
		// GET_LOCK belongs to the connection, which the transaction keeps for its whole length; it
		// is released at the end, or by the server if the connection dies.
		async withMigrationLock(sequelize, work) {
			return sequelize.transaction(async transaction => {
				const [row] = await sequelize.query<{got: number | string | null}>(
					`SELECT GET_LOCK(${migrationLockName}, ${migrationLockWaitSeconds}) AS got`,
					{type: QueryTypes.SELECT, transaction},
				);
				if (Number(row?.got) !== 1) {
					throw new HttpHooksError(`Another process held the migration lock for more than ${migrationLockWaitSeconds} s: is a migration stuck?`);
				}

				try {
					return await work(transaction);
				} finally {
					await sequelize.query(`SELECT RELEASE_LOCK(${migrationLockName})`, {type: QueryTypes.SELECT, transaction}).catch(() => undefined);
				}
			});
		},
		// GET_LOCK outlives the transaction; the row lock on http_hooks_state does not. Every change
		// of a hook takes that row anyway (the version triggers), so all names take turns.
		async lockName(sequelize, _name, transaction) {
			await sequelize.query('SELECT version FROM http_hooks_state WHERE id = 1 FOR UPDATE', {type: QueryTypes.SELECT, transaction});
		},
		// The tables' collation is binary (exact, as on PostgreSQL): the search compares without case.
		// `!` escapes: a backslash in a literal means something else under NO_BACKSLASH_ESCAPES.
		containsText: (column, parameter) => `${column} LIKE ${parameter} COLLATE utf8mb4_unicode_ci ESCAPE '!'`,
		likeEscape: '!',
		concat: (...parts) => `CONCAT(${parts.join(', ')})`,
		integerDivision: (dividend, divisor) => `((${dividend}) DIV (${divisor}))`,
		schema: {
			bigId: DataTypes.BIGINT,
			date: DataTypes.DATE(3),
			// 16 MiB; TEXT's 64 KiB is less than 16 KiB of response body in 4-byte characters.
			text: DataTypes.TEXT('medium'),
			longText: DataTypes.TEXT('long'),
			// Every character (emoji too); exact comparisons, as on the other dialects; the row format
			// whose index keys may be 3072 bytes (VARCHAR(255) in utf8mb4 is 1020).
			tableOptions: {charset: 'utf8mb4', collate: 'utf8mb4_bin', rowFormat: 'DYNAMIC'},
			textDefaults: false,
			versionTriggers: tables => tablesOfTriggers(tables).map(({table, operation}) => `CREATE TRIGGER ${table}_${operation} AFTER ${operation.toUpperCase()} ON ${table}
				FOR EACH ROW UPDATE http_hooks_state SET version = version + 1 WHERE id = 1`),
			readyTriggers: [],
			// BEFORE UPDATE: the row itself carries the next revision, whatever the statement set.
			// (Foreign-key cascades fire no triggers here: deleting a hook or an unused signal needs none.)
			revisionTriggers: [
				'CREATE TRIGGER http_hooks_revision BEFORE UPDATE ON http_hooks FOR EACH ROW SET NEW.revision = OLD.revision + 1',
				`CREATE TRIGGER http_hook_signal_links_revision_insert AFTER INSERT ON http_hook_signal_links
					FOR EACH ROW UPDATE http_hooks SET revision = revision + 1 WHERE id = NEW.hook_id`,
				`CREATE TRIGGER http_hook_signal_links_revision_update AFTER UPDATE ON http_hook_signal_links
					FOR EACH ROW UPDATE http_hooks SET revision = revision + 1 WHERE id IN (OLD.hook_id, NEW.hook_id)`,
				`CREATE TRIGGER http_hook_signal_links_revision_delete AFTER DELETE ON http_hook_signal_links
					FOR EACH ROW UPDATE http_hooks SET revision = revision + 1 WHERE id = OLD.hook_id`,
			],
			// No partial indexes: every callback with its key (the probe stays one short range).
			orderingIndex: 'CREATE INDEX http_callbacks_ordering ON http_callbacks (hook_id, ordering_key, id)',
			// A locking read locks every row it reads: the abandoned claim must read only what it takes.
			leaseIndex: true,
			// The counts by status and hook read the index alone (see docs/dialects.md).
			statusHookIndex: true,
			longObjectIds: ['ALTER TABLE http_callbacks MODIFY object_id MEDIUMTEXT NULL'],
			shortObjectIds: ['ALTER TABLE http_callbacks MODIFY object_id VARCHAR(255) NULL'],
			async dropHookColumn(queryInterface, column) {
				await queryInterface.removeColumn('http_hooks', column);
			},
			dropTriggers: {
				version: [],
				ready: [],
				revision: ['http_hook_signal_links_revision_delete', 'http_hook_signal_links_revision_update', 'http_hook_signal_links_revision_insert', 'http_hooks_revision']
					.map(trigger => `DROP TRIGGER IF EXISTS ${trigger}`),
			},
		},
	};
}
