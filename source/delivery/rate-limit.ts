import {QueryTypes, type Sequelize} from 'sequelize';
import {burstOf} from '../hooks/delivery-fields.js';
import {dialectOf, withTimes} from '../store/dialects/index.js';
import {claimAbandoned, claimDue, type ClaimedCallback, type Claimer} from './claim.js';
import type {HookLimits} from './hook-policies.js';

/** A token bucket: tokens in it, as of `refilledMs` (the database clock). */
export type Bucket = {tokens: number; refilledMs: number};

/** The bucket at `nowMs`: `rate` tokens a second added since it was last filled, up to its burst. */
export function refill(bucket: Bucket, nowMs: number, rate: number): Bucket {
	const burst = burstOf(rate);
	// A clock that went back adds nothing (and the bucket's time stays where it was).
	const elapsed = Math.max(0, nowMs - bucket.refilledMs);
	return {tokens: Math.min(burst, Math.max(0, bucket.tokens) + (elapsed * rate / 1000)), refilledMs: Math.max(nowMs, bucket.refilledMs)};
}

/** How long until the bucket holds `wanted` tokens (default: a whole one) again. */
export function msUntilToken(tokens: number, rate: number, wanted = 1): number {
	return tokens >= wanted ? 0 : Math.ceil((wanted - tokens) * 1000 / rate);
}

/**
 * How many tokens a sender held back waits for: a tenth of a second's worth (at least one, at
 * most the burst). The bucket keeps them meanwhile, so nothing is lost, and senders claim a few
 * at a time instead of all racing for every single token.
 */
export function tokensToWaitFor(rate: number): number {
	return Math.min(burstOf(rate), Math.max(1, rate / 10));
}

/** How many callbacks a claim may take: what it wants, what the bucket holds, the room under the cap. */
export function allowance(wanted: number, tokens: number, inFlight: number, maxInFlight: number | null): number {
	const room = maxInFlight === null ? wanted : maxInFlight - inFlight;
	return Math.max(0, Math.min(wanted, Math.floor(tokens), room));
}

/** What a claim of a limited hook brought, and when to look again if its limits held callbacks back. */
export type LimitedClaim = {claimed: ClaimedCallback[]; retryInMs?: number};

// Held back by the in-flight cap: capacity comes back when a request ends, here or in another sender.
const inFlightPollMs = 100;

type Row = {tokens: number | string; refilled_ms: number | string; now_ms: number | string};

/**
 * Claim callbacks of one hook with a rate limit or an in-flight cap, in one transaction that holds
 * the hook's bucket (PostgreSQL, MySQL: its row, locked; SQLite: the write lock): the bucket is filled up
 * for the time gone by, the hook's live leases counted, at most what both allow claimed, and the
 * tokens taken out. So every sender on every machine draws from the one bucket, and a callback
 * held back is not claimed at all: no lease, no attempt, its row untouched.
 */
export async function claimLimited(sequelize: Sequelize, claimer: Claimer, hook: HookLimits, {limit, cutoff, abandoned}: {limit: number; cutoff: Date; abandoned: boolean}): Promise<LimitedClaim> {
	const dialect = dialectOf(sequelize);
	const sql = dialect.bucket;
	const {hookId, rateLimit, maxInFlight} = hook;
	// A deadlock undoes the whole transaction: the whole claim is tried again.
	return dialect.retryingLockConflicts(async () => sequelize.transaction({...sql.transaction}, async transaction => {
		const select = async <T extends object>(query: string, replacements: Record<string, unknown>) => sequelize.query<T>(query, {replacements, type: QueryTypes.SELECT, transaction});
		// The bucket row is the hook's lock too: an in-flight cap alone needs it as much.
		await sequelize.query(sql.createBucket, {replacements: {hookId, burst: rateLimit === null ? 1 : burstOf(rateLimit)}, transaction});
		const [row] = await select<Row>(sql.readBucket, {hookId});
		const bucket = rateLimit === null ? undefined : refill({tokens: Number(row!.tokens), refilledMs: Number(row!.refilled_ms)}, Number(row!.now_ms), rateLimit);

		let inFlight = 0;
		if (maxInFlight !== null) {
			const [row] = await select<{n: number | string}>(
				'SELECT COUNT(*) AS n FROM http_callbacks WHERE hook_id = :hookId AND status = \'sending\' AND lease_until >= :now',
				withTimes(sequelize, {hookId, now: claimer.now}),
			);
			inFlight = Number(row?.n ?? 0);
		}

		const allowed = allowance(limit, bucket?.tokens ?? Number.POSITIVE_INFINITY, inFlight, maxInFlight);
		const claimed: ClaimedCallback[] = [];
		if (allowed > 0 && abandoned) {
			claimed.push(...await claimAbandoned(sequelize, claimer, {hookId, limit: allowed, transaction}));
		}

		if (allowed > claimed.length) {
			claimed.push(...await claimDue(sequelize, claimer, {hookId, limit: allowed - claimed.length, cutoff, transaction}));
		}

		const left = (bucket?.tokens ?? 0) - claimed.length;
		if (bucket) {
			await sequelize.query(
				'UPDATE http_hook_rate_buckets SET tokens = :tokens, refilled_ms = :refilledMs WHERE hook_id = :hookId',
				{replacements: {hookId, tokens: left, refilledMs: bucket.refilledMs}, transaction},
			);
		}

		// Held back: the limits allowed fewer than wanted, and there may be more due.
		if (allowed >= limit || claimed.length < allowed || (allowed === 0 && !await hasDue(sequelize, hookId, cutoff, transaction))) {
			return {claimed};
		}

		const tokenLimited = rateLimit !== null && (maxInFlight === null || Math.floor(left) <= maxInFlight - inFlight - claimed.length);
		// Spread: senders held back at the same moment do not all come back at the same moment.
		const spread = 0.8 + (Math.random() * 0.4);
		return {claimed, retryInMs: Math.max(1, Math.round(spread * (tokenLimited ? msUntilToken(left, rateLimit, tokensToWaitFor(rateLimit)) : inFlightPollMs)))};
	}));
}

async function hasDue(sequelize: Sequelize, hookId: number, cutoff: Date, transaction: unknown): Promise<boolean> {
	const rows = await sequelize.query(
		'SELECT 1 AS due FROM http_callbacks WHERE hook_id = :hookId AND status = \'waiting\' AND next_attempt_at <= :cutoff LIMIT 1',
		{replacements: withTimes(sequelize, {hookId, cutoff}), type: QueryTypes.SELECT, transaction: transaction as never},
	);
	return rows.length > 0;
}
