import {setTimeout as sleep} from 'node:timers/promises';
import {QueryTypes, type Sequelize} from 'sequelize';
import {checkInteger, ranges} from '../numbers.js';
import {dialectOf, withTimes} from '../store/dialects/index.js';
import type {CallbackStatus, HttpHooksModels} from '../store/models.js';
import {checkHookExists, checkSelection, countSelected, forEachBatch, type CallbackSelector, type SelectionRules} from './callback-selection.js';
import type {BulkProgress} from './resend-callbacks.js';

export type CancelOptions = CallbackSelector & {
	/** Count what would be cancelled, change nothing. */
	dryRun?: boolean;
	/** Callbacks changed per statement (each its own short transaction); default 2000. */
	batchSize?: number;
	/** Called after each batch. */
	onProgress?(progress: BulkProgress): void;
	/** Stop between two batches, or stop waiting for attempts under way; what was cancelled stays cancelled. */
	signal?: AbortSignal;
};

export type CancelResult = {
	/** Callbacks moved to `cancelled` (with a dry run: that would be). */
	cancelled: number;
	/** Callbacks the selection matched when the call started. */
	matched: number;
	statuses: CallbackStatus[];
	since: Date | null;
	until: Date;
	dryRun: boolean;
	/** Cancelled while a sender held them: their attempt under way was waited for (it is recorded). */
	wereSending: number;
	/** Of those, still held when the signal stopped the wait: their attempt may yet arrive. */
	stillSending: number;
	/** True when the signal stopped the work before it was all done. */
	stopped: boolean;
};

/** Only callbacks not final yet can be cancelled: waiting and sending ones. */
export const cancelRules: SelectionRules = {
	verb: 'cancel',
	defaults: ['waiting', 'sending'],
	refused: {
		sent: 'sent is final: it was delivered',
		error: 'error is final: it is never sent again unless resent',
		cancelled: 'they are cancelled already',
	},
};

// How often the wait for attempts under way looks again.
const heldPollMs = 100;

/** Of `ids`, those a sender still holds (a live lease): an attempt of theirs may be under way. */
async function stillHeld(sequelize: Sequelize, ids: number[]): Promise<number[]> {
	const held: number[] = [];
	for (let start = 0; start < ids.length; start += 1000) {
		const rows = await sequelize.query<{id: number | string}>(
			'SELECT id FROM http_callbacks WHERE id IN (:ids) AND locked_by IS NOT NULL AND lease_until >= :now',
			{replacements: withTimes(sequelize, {ids: ids.slice(start, start + 1000), now: new Date()}), type: QueryTypes.SELECT},
		);
		held.push(...rows.map(row => Number(row.id)));
	}

	return held;
}

/**
 * Move the selected callbacks to the final status `cancelled`: never claimed, never sent, not
 * even by an explicit resend of its id (only `resendCallbacks` with status `cancelled` brings
 * one back). A callback a sender holds when it is cancelled may be in the middle of its
 * request: its sender drops it if it has not started it, else the attempt ends as it would
 * (it is recorded in the attempts) and the status stays `cancelled`. The call returns once no
 * sender holds any callback it cancelled, so nothing it cancelled is sent after it returns.
 */
export async function cancelCallbacks(models: HttpHooksModels, options: CancelOptions, now = new Date()): Promise<CancelResult> {
	const selection = checkSelection(options, cancelRules, now);
	const batchSize = checkInteger('batchSize', options?.batchSize ?? 2000, ranges.deleteBatchSize);
	const dryRun = options.dryRun === true;
	const sequelize = models.Callback.sequelize!;
	await checkHookExists(models, selection);
	const matched = await countSelected(sequelize, selection);
	const result = {
		cancelled: 0, matched, statuses: selection.statuses, since: selection.since ?? null, until: selection.until, dryRun,
		wereSending: 0, stillSending: 0, stopped: false,
	};
	if (dryRun || matched === 0) {
		return {...result, cancelled: dryRun ? matched : 0};
	}

	// The lease and its holder stay: the holder's result write or release clears them, and that
	// is what this call waits for. The status is checked again in this very statement.
	const dialect = dialectOf(sequelize);
	// status_details first: MySQL assigns left to right, each assignment seeing the ones before.
	const set = `status_details = SUBSTR(${dialect.concat('\'cancelled; was \'', 'status', `COALESCE(${dialect.concat('\': \'', 'status_details')}, '')`)}, 1, 512),
		status = 'cancelled', next_attempt_at = NULL, updated_at = :now`;
	const held: number[] = [];
	const {stopped} = await forEachBatch(sequelize, selection, batchSize, options.signal, async ids => {
		const rows = await dialect.retryingLockConflicts(async () => dialect.updateReturning<{id: number | string}>(sequelize, {
			table: 'http_callbacks', columns: ['id'], set, where: 'id IN (:ids) AND status IN (:statuses)',
			replacements: withTimes(sequelize, {ids, statuses: selection.statuses, now: new Date()}),
		}));
		const changed = rows.map(row => Number(row.id));
		result.cancelled += changed.length;
		held.push(...await stillHeld(sequelize, changed));
		options.onProgress?.({done: result.cancelled, total: Math.max(matched, result.cancelled)});
	});

	result.wereSending = held.length;
	let waiting = held;
	while (waiting.length > 0 && !options.signal?.aborted) {
		await sleep(heldPollMs);
		waiting = await stillHeld(sequelize, waiting);
	}

	return {...result, stillSending: waiting.length, stopped: stopped || waiting.length > 0};
}
