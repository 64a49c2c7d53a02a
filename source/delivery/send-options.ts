import {HttpHooksError, quote} from '../errors.js';
import {checkId, checkInteger, ranges} from '../numbers.js';
import type {DeliveryOptions} from './delivery-settings.js';

export type SendProgress = {
	claimed: number;
	sent: number;
	/** Failed attempts with a retry scheduled, so far (as in the summary). */
	retrying: number;
	/**
	 * Callbacks retrying now: their last attempt in this run failed and a retry is scheduled; a
	 * callback leaves this count when a later attempt sends it or fails it for good.
	 */
	retryingNow: number;
	failed: number;
	/** Requests under way right now. */
	inFlight: number;
	/** Due callbacks not finished yet (counted every few seconds); undefined before the first count. */
	remaining?: number;
	/** Finished attempts per second since the start. */
	perSecond: number;
	elapsedMs: number;
};

export type SendOptions = {
	/** Only callbacks of this hook. */
	hookId?: number;
	/** Exactly these callbacks, whatever their status but cancelled (a resend); ids as numbers or digit strings. */
	callbackIds?: Array<number | string>;
	/** Requests in flight at once; default `delivery.concurrency`. */
	concurrency?: number;
	/** Claim at most this many callbacks in this run. */
	limit?: number;
	/** Keep running, woken by new callbacks and by polling, until `signal` aborts. */
	watch?: boolean;
	/** Stop: nothing more is claimed, requests under way finish, claims not started are released. */
	signal?: AbortSignal;
	onProgress?(progress: SendProgress): void;
	/** Delivery settings for this run, over the handle's (e.g. a shorter lease). */
	delivery?: DeliveryOptions;
};

export type SendSummary = {
	claimed: number;
	sent: number;
	/** Failed attempts with a retry scheduled. */
	retrying: number;
	/** Callbacks that reached the final status `error` in this run. */
	failed: number;
	/** Ids of `callbackIds` that do not exist. */
	missing: number[];
	/** Ids of `callbackIds` not sent because they are cancelled (final; resendCallbacks can bring one back). */
	cancelled: number[];
	durationMs: number;
};

/** Check the filters of a run; returns the callback ids without repeats. */
export function checkSendOptions(options: SendOptions): {callbackIds?: number[]} {
	if (options.hookId !== undefined) {
		checkInteger('hookId', options.hookId, ranges.id);
	}

	if (options.limit !== undefined) {
		checkInteger('limit', options.limit, ranges.claimLimit);
	}

	if (options.concurrency !== undefined) {
		checkInteger('concurrency', options.concurrency, ranges.concurrency);
	}

	if (options.callbackIds === undefined) {
		return {};
	}

	if (!Array.isArray(options.callbackIds)) {
		throw new HttpHooksError(`callbackIds must be a list of callback ids, got ${quote(options.callbackIds)}`);
	}

	if (options.hookId !== undefined) {
		throw new HttpHooksError('Give either hookId or callbackIds, not both: callbackIds names the callbacks exactly');
	}

	// Ids as numbers or as the digit strings PostgreSQL returns for the library's BIGINT ids.
	return {callbackIds: [...new Set(options.callbackIds.map(id => checkId('A callback id', id)))]};
}
