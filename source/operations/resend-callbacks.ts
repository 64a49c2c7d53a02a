import {dialectOf, withTimes} from '../store/dialects/index.js';
import {checkInteger, ranges} from '../numbers.js';
import type {CallbackStatus, HttpHooksModels} from '../store/models.js';
import {checkHookExists, checkSelection, countSelected, forEachBatch, type CallbackSelector, type SelectionRules} from './callback-selection.js';

export type BulkProgress = {done: number; total: number};

export type ResendOptions = CallbackSelector & {
	/** Count what would be resent, change nothing. */
	dryRun?: boolean;
	/** Callbacks changed per statement (each its own short transaction); default 2000. */
	batchSize?: number;
	/** Called after each batch. */
	onProgress?(progress: BulkProgress): void;
	/** Stop between two batches; what was resent so far stays resent and is reported. */
	signal?: AbortSignal;
};

export type ResendResult = {
	/** Callbacks put back in the queue (with a dry run: that would be). */
	resent: number;
	/** Callbacks the selection matched when the call started. */
	matched: number;
	statuses: CallbackStatus[];
	since: Date | null;
	until: Date;
	dryRun: boolean;
	/** True when the signal stopped the work between two batches. */
	stopped: boolean;
};

/**
 * Resend takes final callbacks (error by default, sent, or cancelled when asked by name) and
 * waiting ones (to send them now rather than at their retry time). Never one being sent.
 */
export const resendRules: SelectionRules = {
	verb: 'resend',
	defaults: ['error'],
	refused: {sending: 'a callback being sent right now is never resent (it would go out twice); its attempt ends by itself'},
};

/**
 * Put the selected callbacks back in the queue: status `waiting`, due now, with a full round of
 * attempts again (the attempts count starts from 0; the rows of earlier attempts stay). Safe
 * while senders run: a callback is changed only if its status still matches in the very
 * statement that changes it, so one a sender claimed meanwhile is left to that sender.
 */
export async function resendCallbacks(models: HttpHooksModels, options: ResendOptions, now = new Date()): Promise<ResendResult> {
	const selection = checkSelection(options, resendRules, now);
	const batchSize = checkInteger('batchSize', options?.batchSize ?? 2000, ranges.deleteBatchSize);
	const dryRun = options.dryRun === true;
	const sequelize = models.Callback.sequelize!;
	await checkHookExists(models, selection);
	const matched = await countSelected(sequelize, selection);
	const result = {resent: 0, matched, statuses: selection.statuses, since: selection.since ?? null, until: selection.until, dryRun, stopped: false};
	if (dryRun || matched === 0) {
		return {...result, resent: dryRun ? matched : 0};
	}

	// The earlier status and reason stay readable in status_details; the attempts keep their own rows.
	const dialect = dialectOf(sequelize);
	// status_details first: MySQL assigns left to right, each assignment seeing the ones before.
	const set = `status_details = SUBSTR(${dialect.concat('\'resent; was \'', 'status', `COALESCE(${dialect.concat('\': \'', 'status_details')}, '')`)}, 1, 512),
		status = 'waiting', next_attempt_at = :due, attempts = 0, lease_until = NULL, locked_by = NULL, updated_at = :due`;
	const {stopped} = await forEachBatch(sequelize, selection, batchSize, options.signal, async ids => {
		const rows = await dialect.retryingLockConflicts(async () => dialect.updateReturning(sequelize, {
			table: 'http_callbacks', columns: ['id'], set, where: 'id IN (:ids) AND status IN (:statuses)',
			replacements: withTimes(sequelize, {ids, statuses: selection.statuses, due: new Date()}),
		}));
		result.resent += rows.length;
		options.onProgress?.({done: result.resent, total: Math.max(matched, result.resent)});
	});
	return {...result, stopped};
}
