import type {Sequelize} from 'sequelize';
import {cut} from '../capture/record-callbacks.js';
import {dialectOf} from '../store/dialects/index.js';
import type {AttemptRow, OutcomeRow} from '../store/dialects/dialect.js';
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
 * Write a batch of finished attempts, all of it or nothing: one INSERT of every attempt row and
 * one UPDATE of every callback, in one transaction (on PostgreSQL one statement; see the
 * dialects' recordResults; a deadlock on MySQL tries it again). A callback is only updated while
 * `worker` still holds it (a sender that lost its lease leaves the callback to the one that took
 * it over); every attempt is recorded all the same, since the request did go out. Writing the
 * same batch again changes nothing. Returns the ids of the callbacks whose result stands:
 * updated now, or by an earlier write of this batch that did commit.
 */
export async function recordResults(sequelize: Sequelize, worker: string, batch: Finished[], now: Date = new Date()): Promise<Set<number>> {
	if (batch.length === 0) {
		return new Set();
	}

	const attempts: AttemptRow[] = batch.map(({id, attempt, result}) => ({
		callbackId: id, attempt, startedAt: result.startedAt, durationMs: result.durationMs, statusCode: result.statusCode,
		error: text(result.error === null ? null : cut(result.error, errorLimit)), responseBody: text(result.responseBody),
	}));
	const outcomes: OutcomeRow[] = batch.map(({id, outcome}) => ({id, status: outcome.status, details: text(outcome.statusDetails), nextAt: outcome.nextAttemptAt}));
	const dialect = dialectOf(sequelize);
	const rows = await dialect.retryingLockConflicts(async () => dialect.recordResults(sequelize, worker, attempts, outcomes, now));

	// An attempt already on record was written by an earlier try of this batch, with its outcome.
	const inserted = new Set(rows.inserted);
	const applied = new Set(rows.updated);
	for (const {id} of batch) {
		if (!inserted.has(id)) {
			applied.add(id);
		}
	}

	return applied;
}
