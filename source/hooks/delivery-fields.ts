import {HttpHooksError, InvalidHookError, quote} from '../errors.js';
import {checkInteger, checkNumber, ranges} from '../numbers.js';

/** The fields of a hook that control its delivery; null (or absent): the sender's settings, no limit. */
export type DeliveryFields = {
	/** Requests per second for this hook, all senders on all machines together (a burst of half a second's worth, at least 1). */
	rateLimit: number | null;
	/** Requests of this hook in flight at once, all senders together. */
	maxInFlight: number | null;
	/** Attempts per callback, the first included; overrides the sender's `delivery.maxAttempts`. */
	maxAttempts: number | null;
	/** Waits after the 1st, 2nd, … failed attempt in ms (the last repeats); overrides `delivery.retryDelaysMs`. */
	retryDelays: number[] | null;
};

/** The range of `rateLimit`: one request in 100 s up to a hundred thousand a second. */
export const rateLimitRange = {min: 0.01, max: 100_000};

const none = (value: unknown) => value === undefined || value === null;

function tagged<T>(field: keyof DeliveryFields, check: () => T): T {
	try {
		return check();
	} catch (error) {
		if (error instanceof HttpHooksError) {
			error.field = field;
		}

		throw error;
	}
}

/** A retry schedule: a non-empty list of whole numbers of ms, each checked. */
export function checkRetryDelays(value: unknown): number[] {
	if (!Array.isArray(value)) {
		throw new InvalidHookError(`retryDelays must be a list of waits in ms such as [1000, 60000], or null, got ${quote(value)}`);
	}

	checkInteger('retryDelays (its length)', value.length, ranges.retryDelayCount);
	return Array.from(value, (delay: unknown, index) => checkInteger(`retryDelays[${index}]`, delay, ranges.retryDelayMs));
}

/** Check the delivery fields of a hook; a bad one is an error naming the field and the value. */
export function checkDeliveryFields(input: Partial<Record<keyof DeliveryFields, unknown>>): DeliveryFields {
	return {
		rateLimit: tagged('rateLimit', () => none(input.rateLimit) ? null : checkNumber('rateLimit (requests per second)', input.rateLimit, rateLimitRange)),
		maxInFlight: tagged('maxInFlight', () => none(input.maxInFlight) ? null : checkInteger('maxInFlight', input.maxInFlight, ranges.maxInFlight)),
		maxAttempts: tagged('maxAttempts', () => none(input.maxAttempts) ? null : checkInteger('maxAttempts', input.maxAttempts, ranges.maxAttempts)),
		retryDelays: tagged('retryDelays', () => none(input.retryDelays) ? null : checkRetryDelays(input.retryDelays)),
	};
}

/** The token bucket's size for a rate: half a second's worth of requests, at least one. */
export function burstOf(rateLimit: number): number {
	return Math.max(1, rateLimit / 2);
}
