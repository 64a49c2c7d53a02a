import {QueryTypes, Transaction, type Sequelize} from 'sequelize';
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
	attempts: `SELECT value->>0 AS callback_id, value->>1 AS attempt, value->>2 AS started_at, value->>3, value->>4, value->>5, value->>6 FROM json_each($1)`,
	outcomes: 'SELECT value->>0 AS id, value->>1 AS status, value->>2 AS details, value->>3 AS next_at FROM json_each($1)',
};
const postgresRows = {
	attempts: `SELECT * FROM json_to_recordset($2::json) AS a(callback_id bigint, attempt integer, started_at timestamptz, duration_ms integer, status_code integer, error text, response_body text)`,
	outcomes: 'SELECT * FROM json_to_recordset($1::json) AS o(id bigint, status varchar, details text, next_at timestamptz)',
};

// An attempt is known by its callback, number and start time: a write tried again after a
// failure that may have committed (a connection lost on COMMIT) does not record it twice. The
// start time tells apart two senders that made the same attempt (one took over the other's lease).
const notRecorded = `NOT EXISTS (SELECT 1 FROM http_callback_attempts AS known
	WHERE known.callback_id = a.callback_id AND known.attempt = a.attempt AND known.started_at = a.started_at)`;

const attemptKeys = attemptColumns.split(', ');
const outcomeKeys = ['id', 'status', 'details', 'next_at'];

// json_to_recordset takes objects: each row's values under its column names.
function recordSet(rows: unknown[][], keys: string[]): string {
	return JSON.stringify(rows.map(row => Object.fromEntries(keys.map((key, index) => [key, row[index]]))));
}

// A callback cancelled while its attempt was under way keeps its status and the cancel's
// details: the attempt is counted and recorded, and the callback is never sent again.
function setOutcome(table: string, now: string, worker: string): string {
	const cancelled = `${table}.status = 'cancelled'`;
	return `status = CASE WHEN ${cancelled} THEN ${table}.status ELSE v.status END,
		status_details = CASE WHEN ${cancelled} THEN ${table}.status_details ELSE v.details END,
		next_attempt_at = CASE WHEN ${cancelled} THEN NULL ELSE COALESCE(v.next_at, ${table}.next_attempt_at) END,
		attempts = ${table}.attempts + 1, lease_until = NULL, locked_by = NULL, updated_at = ${now}
		FROM v WHERE ${table}.id = v.id AND ${table}.locked_by = ${worker} AND ${table}.status IN ('sending', 'cancelled')`;
}

/**
 * Write a batch of finished attempts, all of it or nothing: one INSERT of every attempt row and
 * one UPDATE of every callback, in one transaction (on PostgreSQL one statement). A callback is
 * only updated while `worker` still holds it (a sender that lost its lease leaves the callback
 * to the one that took it over); every attempt is recorded all the same, since the request did
 * go out. Writing the same batch again changes nothing. Returns the ids of the callbacks whose
 * result stands: updated now, or by an earlier write of this batch that did commit.
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

	let rows: Array<{kind: string; id: number | string}>;
	if (sqlite) {
		rows = await sequelize.transaction({type: Transaction.TYPES.IMMEDIATE}, async transaction => {
			const inserted = await sequelize.query<{id: number}>(
				// WITH first: Sequelize runs a statement that starts with INSERT without reading its rows.
				`WITH a AS (${sqliteRows.attempts}) INSERT INTO http_callback_attempts (${attemptColumns}) SELECT * FROM a WHERE ${notRecorded} RETURNING callback_id AS id`,
				{bind: [JSON.stringify(attempts)], type: QueryTypes.SELECT, transaction},
			);
			const updated = await sequelize.query<{id: number}>(
				// MATERIALIZED: else SQLite walks the callbacks being sent and scans the JSON for each.
				`WITH v AS MATERIALIZED (${sqliteRows.outcomes}) UPDATE http_callbacks SET ${setOutcome('http_callbacks', '$2', '$3')} RETURNING id`,
				{bind: [JSON.stringify(outcomes), timeOf(now, true), worker], type: QueryTypes.SELECT, transaction},
			);
			return [...inserted.map(({id}) => ({kind: 'inserted', id})), ...updated.map(({id}) => ({kind: 'updated', id}))];
		});
	} else {
		// One statement: data-modifying CTEs commit together.
		rows = await sequelize.query<{kind: string; id: string}>(
			`WITH v AS (${postgresRows.outcomes}),
			inserted AS (INSERT INTO http_callback_attempts (${attemptColumns}) SELECT * FROM (${postgresRows.attempts}) AS a WHERE ${notRecorded} RETURNING callback_id),
			updated AS (UPDATE http_callbacks AS c SET ${setOutcome('c', '$3', '$4')} RETURNING c.id)
			SELECT 'updated' AS kind, id FROM updated UNION ALL SELECT 'inserted', callback_id FROM inserted`,
			{bind: [recordSet(outcomes, outcomeKeys), recordSet(attempts, attemptKeys), now, worker], type: QueryTypes.SELECT},
		);
	}

	// An attempt already on record was written by an earlier try of this batch, with its outcome.
	const inserted = new Set(rows.filter(row => row.kind === 'inserted').map(row => Number(row.id)));
	const applied = new Set(rows.filter(row => row.kind === 'updated').map(row => Number(row.id)));
	for (const {id} of batch) {
		if (!inserted.has(id)) {
			applied.add(id);
		}
	}

	return applied;
}
