import {Op} from 'sequelize';
import {dialectOf, withTimes} from '../store/dialects/index.js';
import type {HttpHooksModels} from '../store/models.js';
import {checkInteger, ranges} from '../numbers.js';
import {sqlDate} from '../store/db-date.js';

export type DeleteProgress = {deleted: number; total: number};

export type DeleteOldOptions = {
	/** Count what would go, delete nothing. */
	dryRun?: boolean;
	/** Callbacks deleted per statement (each its own short transaction); default 2000. */
	batchSize?: number;
	/** Called after each batch. */
	onProgress?(progress: DeleteProgress): void;
	/** Stop between two batches; what was deleted so far stays deleted and is reported. */
	signal?: AbortSignal;
};

export type DeleteOldResult = {
	/** Callbacks deleted (with a dry run: that would be deleted). */
	deleted: number;
	/** Callbacks created before this time were (or would be) deleted. */
	cutoff: Date;
	dryRun: boolean;
	/** True when the signal stopped the work before every old callback was gone. */
	stopped: boolean;
	/** Old callbacks left alone because they are not final (`waiting`, or `sending` right now), or cancelled during an attempt still under way. */
	skipped: number;
};

const day = 24 * 60 * 60 * 1000;

// A cancelled callback whose attempt is under way (a sender holds it, lease alive).
const held = (now: Date) => ({status: 'cancelled', lockedBy: {[Op.ne]: null}, leaseUntil: {[Op.gte]: now}});

/** The statuses a callback never leaves on its own: the only ones ever deleted. */
export const finalStatuses = ['sent', 'error', 'cancelled'] as const;

/**
 * Delete the final callbacks (sent, error, cancelled) created more than `days` days ago, with their
 * attempts (the foreign key cascades), a batch at a time: no statement holds a lock for long,
 * memory stays flat, and an interruption keeps what was done. A callback still to be sent
 * (waiting) or being sent is never deleted, however old.
 */
export async function deleteOldCallbacks(models: HttpHooksModels, days: number, options: DeleteOldOptions = {}, now = new Date()): Promise<DeleteOldResult> {
	const checkedDays = checkInteger('Days', days, ranges.days);
	const batchSize = checkInteger('Batch size', options.batchSize ?? 2000, ranges.deleteBatchSize);
	const cutoff = sqlDate(new Date(now.getTime() - (checkedDays * day)), 'The cutoff of deleteOldCallbacks');
	const dryRun = options.dryRun ?? false;
	// Two index-only counts: every old callback (created_at), less those not final (status).
	const old = await models.Callback.count({where: {createdAt: {[Op.lt]: cutoff}}});
	const skipped = old === 0 ? 0 : await models.Callback.count({where: {[Op.or]: [{status: {[Op.notIn]: finalStatuses}}, held(now)], createdAt: {[Op.lt]: cutoff}}});
	const total = old - skipped;
	if (dryRun || total === 0) {
		return {deleted: dryRun ? total : 0, cutoff, dryRun, stopped: false, skipped};
	}

	const sequelize = models.Callback.sequelize!;
	const dialect = dialectOf(sequelize);
	// The oldest batch first, found through the created_at index, each batch its own short
	// statement(s). The status is checked again on the rows the DELETE itself removes (see the
	// dialects' deleteBatch): a row a sender claims meanwhile is kept. A callback cancelled while
	// a sender holds it stays until its attempt is written (the attempt row needs its callback).
	const where = `created_at < :cutoff AND status IN (:final) AND (locked_by IS NULL OR lease_until IS NULL OR lease_until < :now)`;
	let deleted = 0;
	while (!options.signal?.aborted) {
		const batch = await dialect.retryingLockConflicts(async () => dialect.deleteBatch(sequelize, where, withTimes(sequelize, {cutoff, batchSize, final: finalStatuses, now})));
		deleted += batch.deleted;
		options.onProgress?.({deleted, total: Math.max(total, deleted)});
		if (!batch.full) {
			return {deleted, cutoff, dryRun, stopped: false, skipped};
		}
	}

	return {deleted, cutoff, dryRun, stopped: true, skipped};
}
