import type {AttemptRow, OutcomeRow, RecordedResults} from './dialect.js';

/*
 * Pieces of the result write that SQLite and PostgreSQL share: both update from a row source
 * (`UPDATE … FROM v`) and return what they changed.
 */

export const attemptColumns = 'callback_id, attempt, started_at, duration_ms, status_code, error, response_body';

// An attempt is known by its callback, number and start time: a write tried again after a
// failure that may have committed (a connection lost on COMMIT) does not record it twice. The
// start time tells apart two senders that made the same attempt (one took over the other's lease).
export const notRecorded = `NOT EXISTS (SELECT 1 FROM http_callback_attempts AS known
	WHERE known.callback_id = a.callback_id AND known.attempt = a.attempt AND known.started_at = a.started_at)`;

// A callback cancelled while its attempt was under way keeps its status and the cancel's
// details: the attempt is counted and recorded, and the callback is never sent again.
export function setOutcome(table: string, now: string, worker: string): string {
	const cancelled = `${table}.status = 'cancelled'`;
	return `status = CASE WHEN ${cancelled} THEN ${table}.status ELSE v.status END,
		status_details = CASE WHEN ${cancelled} THEN ${table}.status_details ELSE v.details END,
		next_attempt_at = CASE WHEN ${cancelled} THEN NULL ELSE COALESCE(v.next_at, ${table}.next_attempt_at) END,
		attempts = ${table}.attempts + 1, lease_until = NULL, locked_by = NULL, updated_at = ${now}
		FROM v WHERE ${table}.id = v.id AND ${table}.locked_by = ${worker} AND ${table}.status IN ('sending', 'cancelled')`;
}

/** The attempts as rows of values in column order, times as `time` gives them. */
export function attemptValues(attempts: AttemptRow[], time: (date: Date) => string): unknown[][] {
	return attempts.map(row => [row.callbackId, row.attempt, time(row.startedAt), row.durationMs, row.statusCode, row.error, row.responseBody]);
}

/** The outcomes as rows of values: id, status, details, next_at. */
export function outcomeValues(outcomes: OutcomeRow[], time: (date: Date) => string): unknown[][] {
	return outcomes.map(row => [row.id, row.status, row.details, row.nextAt === null ? null : time(row.nextAt)]);
}

/** Rows of `{kind, id}` as RecordedResults. */
export function recorded(rows: Array<{kind: string; id: number | string}>): RecordedResults {
	return {
		inserted: rows.filter(row => row.kind === 'inserted').map(row => Number(row.id)),
		updated: rows.filter(row => row.kind === 'updated').map(row => Number(row.id)),
	};
}
