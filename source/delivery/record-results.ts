import {QueryTypes, type Sequelize} from 'sequelize';
import {cut} from '../capture/record-callbacks.js';
import type {AttemptResult} from './http-client.js';
import type {Outcome} from './outcome.js';

/** One finished attempt, ready to be written. */
export type Finished = {id: number; attempt: number; result: AttemptResult; outcome: Outcome};

const errorLimit = 2000;

// PostgreSQL text cannot hold NUL characters; a response body may.
function text(value: string | null): string | null {
	return value === null ? null : value.replaceAll('\0', '\uFFFD');
}

function attemptValues(batch: Finished[]): unknown[][] {
	return batch.map(({id, attempt, result}) => [
		id, attempt, result.startedAt, result.durationMs, result.statusCode,
		text(result.error === null ? null : cut(result.error, errorLimit)), text(result.responseBody),
	]);
}

function outcomeValues(batch: Finished[]): unknown[][] {
	return batch.map(({id, outcome}) => [id, outcome.status, text(outcome.statusDetails), outcome.nextAttemptAt]);
}

const attemptColumns = 'callback_id, attempt, started_at, duration_ms, status_code, error, response_body';

/**
 * Write a batch of finished attempts: one multi-row INSERT of attempt rows and one multi-row
 * UPDATE of the callbacks (PostgreSQL: in one statement). A callback is only updated while `worker` still holds it
 * (a sender that lost its lease leaves the callback to the one that took it over); every
 * attempt is recorded all the same, since the request did go out. Returns the updated ids.
 */
export async function recordResults(sequelize: Sequelize, worker: string, batch: Finished[], now: Date = new Date()): Promise<Set<number>> {
	if (batch.length === 0) {
		return new Set();
	}

	const attempts = attemptValues(batch);
	const outcomes = outcomeValues(batch);
	let rows: Array<{id: number | string}>;
	if (sequelize.getDialect() === 'postgres') {
		// One statement: data-modifying CTEs commit together.
		const typed = '(CAST(? AS bigint), CAST(? AS varchar), CAST(? AS text), CAST(? AS timestamptz))';
		rows = await sequelize.query<{id: string}>(
			`WITH v (id, status, details, next_at) AS (VALUES ${outcomes.map(() => typed).join(', ')}),
			inserted AS (
				INSERT INTO http_callback_attempts (${attemptColumns}) VALUES ${attempts.map(() => '(?, ?, ?, ?, ?, ?, ?)').join(', ')}
			),
			updated AS (
				UPDATE http_callbacks AS c SET status = v.status, status_details = v.details,
					next_attempt_at = COALESCE(v.next_at, c.next_attempt_at), attempts = c.attempts + 1,
					lease_until = NULL, locked_by = NULL, updated_at = ?
				FROM v WHERE c.id = v.id AND c.locked_by = ? AND c.status = 'sending'
				RETURNING c.id
			)
			SELECT id FROM updated`,
			{replacements: [...outcomes.flat(), ...attempts.flat(), now, worker], type: QueryTypes.SELECT},
		);
	} else {
		// Attempts first, then the callbacks, without a transaction (on SQLite one costs a
		// connection of its own): should the process die in between, the callbacks are still
		// leased and are sent again once the lease runs out, and the attempt made is on record.
		await sequelize.query(
			`INSERT INTO http_callback_attempts (${attemptColumns}) VALUES ${attempts.map(() => '(?, ?, ?, ?, ?, ?, ?)').join(', ')}`,
			{replacements: attempts.flat(), type: QueryTypes.INSERT},
		);
		rows = await sequelize.query<{id: number}>(
			`WITH v (id, status, details, next_at) AS (VALUES ${outcomes.map(() => '(?, ?, ?, ?)').join(', ')})
			UPDATE http_callbacks SET status = v.status, status_details = v.details,
				next_attempt_at = COALESCE(v.next_at, http_callbacks.next_attempt_at), attempts = http_callbacks.attempts + 1,
				lease_until = NULL, locked_by = NULL, updated_at = ?
			FROM v WHERE http_callbacks.id = v.id AND http_callbacks.locked_by = ? AND http_callbacks.status = 'sending'
			RETURNING id`,
			{replacements: [...outcomes.flat(), now, worker], type: QueryTypes.SELECT},
		);
	}

	return new Set(rows.map(row => Number(row.id)));
}
