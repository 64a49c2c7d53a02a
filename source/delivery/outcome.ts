import {cut, statusDetailsLimit} from '../capture/record-callbacks.js';
import type {DeliverySettings} from './delivery-settings.js';
import type {AttemptResult} from './http-client.js';
import {retryDelayMs} from './retry-schedule.js';
import {sqlDate} from '../store/db-date.js';

/** Where one attempt leaves its callback. */
export type Outcome = {
	status: 'sent' | 'waiting' | 'error';
	statusDetails: string;
	/** With `waiting`: when the next attempt is due. */
	nextAttemptAt: Date | null;
};

/**
 * Judge an attempt: a 2xx is `sent`; 410 Gone and a request that can never be sent are final at
 * once; anything else is a failed attempt, retried on the schedule (or when Retry-After says)
 * while attempts remain, then `error`.
 * `attempt` is this attempt's number, 1 for the first. `settings`: the sender's, with the hook's own
 * schedule over them (scheduleFor).
 */
export function judgeAttempt(result: AttemptResult, attempt: number, settings: Pick<DeliverySettings, 'maxAttempts' | 'retryDelaysMs' | 'jitter' | 'maxRetryAfterMs'>, now: Date = new Date(), random?: () => number): Outcome {
	const {statusCode} = result;
	const statusDetails = cut(statusCode === null ? result.error ?? 'no response' : `status_code:${statusCode}`, statusDetailsLimit);
	if (statusCode !== null && statusCode >= 200 && statusCode < 300) {
		return {status: 'sent', statusDetails, nextAttemptAt: null};
	}

	if (statusCode === 410 || result.final || attempt >= settings.maxAttempts) {
		return {status: 'error', statusDetails, nextAttemptAt: null};
	}

	// At least a millisecond on: a run only claims what was due when it started, so a retry is
	// never attempted twice by one run, whatever Retry-After says.
	const delay = Math.max(1, retryDelayMs(attempt, settings, result.retryAfterMs, random));
	return {status: 'waiting', statusDetails, nextAttemptAt: sqlDate(new Date(now.getTime() + delay), 'The next attempt time')};
}
