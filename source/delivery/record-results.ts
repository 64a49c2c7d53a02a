import {QueryTypes, type Sequelize} from 'sequelize';
import {cut} from '../capture/record-callbacks.js';
import type {AttemptResult} from './http-client.js';
import type {Outcome} from './outcome.js';

/** One finished attempt, ready to be written. */
export type Finished = {id: number; attempt: number; result: AttemptResult; outcome: Outcome; hookId?: number | null};

const errorLimit = 2000;

// PostgreSQL text cannot hold NUL characters; a response body may.
function text(value: string | null): string | null {
	return value === null ? null : value.replaceAll('\0', '\uFFFD');
}

/**
 * A time as the column wants it. SQLite DATE columns hold the text Sequelize writes
 * ('2025-01-31 12:00:00.000 +00:00'), so that comparisons in SQL stay right; PostgreSQL
 * reads the ISO form into timestamptz.
 */
function timeOf(date: Date | null, sqlite: boolean): string | null {
	if (date === null) {
		return null;
	}

	return sqlite ? `${date.toISOString().replace('T', ' ').replace('Z', '')} +00:00` : date.toISOString();
}

const attemptColumns = 'callback_id, attempt, started_at, duration_ms, status_code, error, response_body';

// The rows of a batch travel as one JSON parameter, unpacked by the database: several times
// cheaper than a multi-row VALUES list with seven parameters a row (measured on SQLite).
const sqliteRows = {
	attempts: `SELECT value->>0, value->>1, value->>2, value->>3, value->>4, value->>5, value->>6 FROM json_each($1)`,
	outcomes: 'SELECT value->>0 AS id, value->>1 AS status, value->>2 AS details, value->>3 AS next_at FROM json_each($1)',
};
const postgresRows = {
	attempts: `SELECT * FROM json_to_recordset($2::json) AS a(callback_id bigint, attempt integer, started_at timestamptz, duration_ms integer, status_code integer, error text, response_body text)`,
	outcomes: 'SELECT * FROM json_to_recordset($1::json) AS o(id bigint, status varchar, details text, next_at timestamptz)',
};

const attemptKeys = attemptColumns.split(', ');
const outcomeKeys = ['id', 'status', 'details', 'next_at'];

// json_to_recordset takes objects: each row's values under its column names.
function recordSet(rows: unknown[][], keys: string[]): string {
	return JSON.stringify(rows.map(row => Object.fromEntries(keys.map((key, index) => [key, row[index]]))));
}

function setOutcome(table: string, now: string, worker: string): string {
	return `status = v.status, status_details = v.details, next_attempt_at = COALESCE(v.next_at, ${table}.next_attempt_at),
		attempts = ${table}.attempts + 1, lease_until = NULL, locked_by = NULL, updated_at = ${now}
		FROM v WHERE ${table}.id = v.id AND ${table}.locked_by = ${worker} AND ${table}.status = 'sending'`;
}

/**
 * Write a batch of finished attempts: one INSERT of every attempt row and one UPDATE of every
 * callback (on PostgreSQL both in one statement). A callback is only updated while `worker`
 * still holds it (a sender that lost its lease leaves the callback to the one that took it
 * over); every attempt is recorded all the same, since the request did go out. Returns the ids
 * of the callbacks updated.
 */
export async function recordResults(sequelize: Sequelize, worker: string, batch: Finished[], now: Date = new Date()): Promise<Set<number>> {
	if (batch.length === 0) {
		return new Set();
	}

	const sqlite = sequelize.getDialect() === 'sqlite';
	const attempts = batch.map(({id, attempt, result}) => [
		id, attempt, timeOf(result.startedAt, sqlite), result.durationMs, result.statusCode,
		text(result.error === null ? null : cut(result.error, errorLimit)), text(result.responseBody),
	]);
	const outcomes = batch.map(({id, outcome}) => [id, outcome.status, text(outcome.statusDetails), timeOf(outcome.nextAttemptAt, sqlite)]);

	let rows: Array<{id: number | string}>;
	if (sqlite) {
		// Attempts first, then the callbacks, without a transaction (on SQLite one costs a
		// connection of its own): should the process die in between, the callbacks are still
		// leased and are sent again once the lease runs out, and the attempt made is on record.
		await sequelize.query(`INSERT INTO http_callback_attempts (${attemptColumns}) ${sqliteRows.attempts}`, {bind: [JSON.stringify(attempts)], type: QueryTypes.INSERT});
		rows = await sequelize.query<{id: number}>(
			// MATERIALIZED: else SQLite walks the callbacks being sent and scans the JSON for each.
			`WITH v AS MATERIALIZED (${sqliteRows.outcomes}) UPDATE http_callbacks SET ${setOutcome('http_callbacks', '$2', '$3')} RETURNING id`,
			{bind: [JSON.stringify(outcomes), timeOf(now, true), worker], type: QueryTypes.SELECT},
		);
	} else {
		// One statement: data-modifying CTEs commit together.
		rows = await sequelize.query<{id: string}>(
			`WITH v AS (${postgresRows.outcomes}),
			inserted AS (INSERT INTO http_callback_attempts (${attemptColumns}) ${postgresRows.attempts}),
			updated AS (UPDATE http_callbacks AS c SET ${setOutcome('c', '$3', '$4')} RETURNING c.id)
			SELECT id FROM updated`,
			{bind: [recordSet(outcomes, outcomeKeys), recordSet(attempts, attemptKeys), now, worker], type: QueryTypes.SELECT},
		);
	}

	return new Set(rows.map(row => Number(row.id)));
}
