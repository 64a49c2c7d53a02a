import {QueryTypes, type Sequelize, type Transaction} from 'sequelize';
import {dialectOf, withTimes} from '../store/dialects/index.js';
import type {CallbackAttributes} from '../store/models.js';

/** A claimed callback: what sending it takes (`attempts`: those made before this one). */
export type ClaimedCallback = Pick<CallbackAttributes,
	'id' | 'hookId' | 'webhookId' | 'targetUrl' | 'httpMethod' | 'contentType' | 'headers' | 'payload' | 'attempts' | 'orderingKey' | 'traceparent'>;

/** Who claims, and until when. `now` also decides which leases have run out. */
export type Claimer = {worker: string; now: Date; leaseUntil: Date};

type Row = {
	id: number | string; hook_id: number | null; webhook_id: string; target_url: string; http_method: string;
	content_type: string | null; headers: string; payload: string | null; attempts: number | string; ordering_key: string | null;
	traceparent?: string | null;
};

const columns = ['id', 'hook_id', 'webhook_id', 'target_url', 'http_method', 'content_type', 'headers', 'payload', 'attempts', 'ordering_key', 'traceparent'];
const claimSet = 'status = \'sending\', lease_until = :leaseUntil, locked_by = :worker, updated_at = :now';

// Callbacks nobody is working on any more: their sender's lease ran out (it died), or they were
// put in the queue without a due time. Two claims, each walking one index in its order and
// stopping at its limit: the (status, lease_until) index where a locking read locks every row it
// reads (MySQL; see SchemaSql.leaseIndex), then the (status, next_attempt_at) index, whose
// entries of equal values follow the id. One claim with both behind an OR had MySQL read, sort
// and lock every callback being sent, other senders' included, for a claim that took none.
const leaseRunOut = 'status = \'sending\' AND (lease_until IS NULL OR lease_until < :now)';
const unscheduled = 'status = \'waiting\' AND next_attempt_at IS NULL';
// Due callbacks, in the order the (status, next_attempt_at) index gives them.
const due = 'status = \'waiting\' AND next_attempt_at <= :cutoff';

/**
 * Claim up to `limit` callbacks: status `sending`, leased to `worker`. Safe with any number of
 * senders: the dialect locks the picked rows and skips those another sender holds (PostgreSQL
 * and MySQL: FOR UPDATE SKIP LOCKED), or claims in one atomic UPDATE … RETURNING (SQLite). A
 * claim that meets a deadlock is tried again (within the caller's transaction, by the caller).
 */
async function claimWhere(sequelize: Sequelize, condition: string, order: string, claimer: Claimer, replacements: Record<string, unknown>, limit: number, transaction?: Transaction): Promise<ClaimedCallback[]> {
	const dialect = dialectOf(sequelize);
	const claim = async () => dialect.updateReturning<Row>(sequelize, {
		table: 'http_callbacks', columns, where: condition, order, limit, set: claimSet, transaction,
		replacements: withTimes(sequelize, {...replacements, ...claimer}),
	});
	const rows = transaction ? await claim() : await dialect.retryingLockConflicts(claim);
	return rows.map(row => toClaimed(row)).sort((a, b) => a.id - b.id);
}

/**
 * Which callbacks a claim takes: one hook's, or any hook's but those left out (hooks with limits,
 * claimed apart under them; hooks a sender already holds a batch of), in a transaction or not.
 */
export type ClaimScope = {hookId?: number; exclude?: number[]; limit: number; transaction?: Transaction};

// Callbacks of a disabled hook wait until it is enabled again.
const hookEnabled = ' AND NOT EXISTS (SELECT 1 FROM http_hooks AS h WHERE h.id = http_callbacks.hook_id AND NOT h.enabled)';

// Ordered hooks: a callback with an ordering key waits while an earlier one of its hook and key
// is unfinished (the partial index http_callbacks_ordering answers this with one probe).
const inOrder = ` AND (ordering_key IS NULL OR NOT EXISTS (SELECT 1 FROM http_callbacks AS earlier
	WHERE earlier.hook_id = http_callbacks.hook_id AND earlier.ordering_key = http_callbacks.ordering_key
	AND earlier.id < http_callbacks.id AND earlier.status IN ('waiting', 'sending') AND earlier.ordering_key IS NOT NULL))`;

function hookCondition(hookId: number | undefined, exclude: number[] | undefined): string {
	const others = exclude && exclude.length > 0 ? ' AND (hook_id IS NULL OR hook_id NOT IN (:exclude))' : '';
	return `${hookEnabled}${inOrder}${hookId === undefined ? '' : ' AND hook_id = :hookId'}${others}`;
}

/** Claim callbacks whose sender died (lease run out, the longest run out first), then those that have no due time. */
export async function claimAbandoned(sequelize: Sequelize, claimer: Claimer, {hookId, exclude, limit, transaction}: ClaimScope): Promise<ClaimedCallback[]> {
	const scope = hookCondition(hookId, exclude);
	const runOut = await claimWhere(sequelize, `${leaseRunOut}${scope}`, 'ORDER BY lease_until', claimer, {hookId, exclude}, limit, transaction);
	const unscheduledLeft = limit - runOut.length;
	const rest = unscheduledLeft > 0 ? await claimWhere(sequelize, `${unscheduled}${scope}`, 'ORDER BY id', claimer, {hookId, exclude}, unscheduledLeft, transaction) : [];
	return [...runOut, ...rest].sort((a, b) => a.id - b.id);
}

/** Claim `waiting` callbacks due at `cutoff` or earlier, the longest due first. */
export async function claimDue(sequelize: Sequelize, claimer: Claimer, {hookId, exclude, limit, cutoff, transaction}: ClaimScope & {cutoff: Date}): Promise<ClaimedCallback[]> {
	return claimWhere(sequelize, `${due}${hookCondition(hookId, exclude)}`, 'ORDER BY next_attempt_at', claimer, {hookId, exclude, cutoff}, limit, transaction);
}

/**
 * Claim exactly these callbacks whatever their status (a resend): one held by another sender
 * is taken over, and that sender's result is then discarded. A cancelled one is never claimed
 * (cancelled is final: only resendCallbacks brings it back). Ids not returned do not exist or
 * are cancelled.
 */
export async function claimIds(sequelize: Sequelize, claimer: Claimer, ids: number[]): Promise<ClaimedCallback[]> {
	if (ids.length === 0) {
		return [];
	}

	const dialect = dialectOf(sequelize);
	const rows = await dialect.retryingLockConflicts(async () => dialect.updateReturning<Row>(sequelize, {
		table: 'http_callbacks', columns, where: 'id IN (:ids) AND status <> \'cancelled\'', set: claimSet,
		replacements: withTimes(sequelize, {...claimer, ids}),
	}));
	return rows.map(row => toClaimed(row)).sort((a, b) => a.id - b.id);
}

/**
 * Move the lease of callbacks still held by `worker` on to `leaseUntil`; of cancelled ones too,
 * whose attempt may be under way: a cancel waits for it as long as the lease lives.
 */
export async function renewLeases(sequelize: Sequelize, worker: string, ids: number[], leaseUntil: Date): Promise<void> {
	if (ids.length > 0) {
		await dialectOf(sequelize).retryingLockConflicts(async () => sequelize.query(
			'UPDATE http_callbacks SET lease_until = :leaseUntil WHERE id IN (:ids) AND locked_by = :worker AND status IN (\'sending\', \'cancelled\')',
			{replacements: withTimes(sequelize, {ids, worker, leaseUntil}), type: QueryTypes.UPDATE},
		));
	}
}

/** Give claimed callbacks that were not sent back to the queue, due as they were; cancelled ones stay cancelled. */
export async function releaseClaims(sequelize: Sequelize, worker: string, ids: number[], now: Date): Promise<void> {
	if (ids.length > 0) {
		await dialectOf(sequelize).retryingLockConflicts(async () => sequelize.query(
			`UPDATE http_callbacks SET status = CASE WHEN status = 'cancelled' THEN 'cancelled' ELSE 'waiting' END,
			lease_until = NULL, locked_by = NULL, updated_at = :now
			WHERE id IN (:ids) AND locked_by = :worker AND status IN ('sending', 'cancelled')`,
			{replacements: withTimes(sequelize, {ids, worker, now}), type: QueryTypes.UPDATE},
		));
	}
}

function toClaimed(row: Row): ClaimedCallback {
	return {
		id: Number(row.id),
		hookId: row.hook_id === null ? null : Number(row.hook_id),
		webhookId: row.webhook_id,
		targetUrl: row.target_url,
		httpMethod: row.http_method,
		contentType: row.content_type,
		headers: row.headers,
		payload: row.payload,
		attempts: Number(row.attempts),
		orderingKey: row.ordering_key,
		traceparent: row.traceparent ?? null,
	};
}
