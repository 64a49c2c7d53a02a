import {HttpHooksError, quote} from './errors.js';

/** The inclusive bounds of a whole number. */
export type IntegerRange = {min: number; max: number};

/**
 * The longest a Node.js timer can wait (2^31-1 ms, about 24.8 days): a longer one fires at once.
 * Every option that ends up in a timer stays below it.
 */
export const maxTimerMs = 2_147_483_647;

const second = 1000;
const minute = 60 * second;
const hour = 60 * minute;
const day = 24 * hour;

/**
 * The range of every whole-number option and flag, in one place: the API checks its options
 * against these, the CLI its flags (in the flag's unit), the README and --help quote them.
 */
export const ranges = {
	/** A row id: what the database's (BIG)INTEGER ids can hold without losing digits in JavaScript. */
	id: {min: 1, max: Number.MAX_SAFE_INTEGER},
	/** How many callbacks one run claims. */
	claimLimit: {min: 1, max: 1_000_000_000},
	timeoutMs: {min: 1, max: hour},
	maxAttempts: {min: 1, max: 1000},
	retryDelayMs: {min: 0, max: 30 * day},
	maxRetryAfterMs: {min: 0, max: 30 * day},
	leaseMs: {min: second, max: day},
	concurrency: {min: 1, max: 1000},
	/** A hook's cap on its requests in flight, all senders together. */
	maxInFlight: {min: 1, max: 100_000},
	/** Entries of a hook's retry schedule. */
	retryDelayCount: {min: 1, max: 1000},
	batchSize: {min: 1, max: 1000},
	pollIntervalMs: {min: 10, max: hour},
	disableAfterFailures: {min: 1, max: 1_000_000},
	reloadIntervalMs: {min: 10, max: hour},
	sqliteBusyTimeoutMs: {min: 0, max: hour},
	keepPreviousForMs: {min: 0, max: 366 * day},
	/** delete-old-callbacks: at most a century back. */
	days: {min: 0, max: 36_500},
	deleteBatchSize: {min: 1, max: 100_000},
	/** monitor-callbacks: counts and a window of at most a year. */
	monitorCount: {min: 0, max: 1_000_000_000},
	minutesAgo: {min: 1, max: 366 * 24 * 60},
	/** stats: a window of at most a year. */
	windowMinutes: {min: 1, max: 366 * 24 * 60},
	/** Template limits: the largest payload (1 GiB at most), one render's time and loop iterations. */
	maxPayloadBytes: {min: 1, max: 1024 * 1024 * 1024},
	templateTimeoutMs: {min: 1, max: minute},
	templateMaxIterations: {min: 1, max: 1_000_000_000},
	/** list-callbacks: rows per page. */
	pageLimit: {min: 1, max: 100_000},
	/** Metrics: how old the queue's figures may get, and the port of the metrics server (0: any free one). */
	sampleIntervalMs: {min: 0, max: hour},
	port: {min: 0, max: 65_535},
} as const satisfies Record<string, IntegerRange>;

/** An out-of-range or malformed number: the message names the option, the range and the value. */
export class InvalidNumberError extends HttpHooksError {}

function rangeError(name: string, value: unknown, {min, max}: IntegerRange): InvalidNumberError {
	// Numbers shown as written (NaN, Infinity, 1e+21), which JSON would turn into null or reshape.
	const shown = typeof value === 'number' || typeof value === 'bigint' ? String(value) : value;
	return new InvalidNumberError(`${name} must be a whole number from ${min} to ${max}, got ${quote(shown)}`);
}

/** A whole number (a JavaScript number) within `range`, else an InvalidNumberError naming it. */
export function checkInteger(name: string, value: unknown, range: IntegerRange): number {
	if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < range.min || value > range.max) {
		throw rangeError(name, value, range);
	}

	return value;
}

/**
 * A whole number written as plain decimal digits (a command-line argument, an id the database
 * returned as text): no sign, no spaces, no exponent, no hex. Anything else is an InvalidNumberError.
 */
export function parseInteger(name: string, text: unknown, range: IntegerRange): number {
	if (typeof text !== 'string' || !/^\d{1,16}$/.test(text)) {
		throw rangeError(name, text, range);
	}

	return checkInteger(name, Number(text), range);
}

/** The inclusive bounds of a number that need not be whole. */
export type NumberRange = {min: number; max: number};

/** A finite JavaScript number (fractions allowed) within `range`, else an InvalidNumberError naming it. */
export function checkNumber(name: string, value: unknown, {min, max}: NumberRange): number {
	if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
		const shown = typeof value === 'number' || typeof value === 'bigint' ? String(value) : value;
		throw new InvalidNumberError(`${name} must be a number from ${min} to ${max}, got ${quote(shown)}`);
	}

	return value;
}

/** A row id as a number, or as the digits PostgreSQL returns for a BIGINT. */
export function checkId(name: string, value: unknown): number {
	return typeof value === 'string' ? parseInteger(name, value, ranges.id) : checkInteger(name, value, ranges.id);
}
