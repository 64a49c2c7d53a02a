import {HttpHooksError, quote} from '../errors.js';

/**
 * A date as the database returned it from a raw query: a Date (PostgreSQL), or on SQLite the
 * text Sequelize stored, `2026-01-02 03:04:05.678 +00:00`. Null stays null.
 */
export function parseDbDate(value: unknown): Date | null {
	if (value === null || value === undefined) {
		return null;
	}

	if (value instanceof Date) {
		return value;
	}

	const text = String(value);
	const match = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2}(?:\.\d+)?)\s*(Z|[+-]\d{2}:?\d{2})?$/.exec(text);
	const date = match ? new Date(`${match[1]}T${match[2]}${match[3] ?? 'Z'}`) : new Date(text);
	return Number.isNaN(date.getTime()) ? null : date;
}

/**
 * A Date about to become an SQL value, checked: an Invalid Date (from arithmetic on a huge
 * number) is an error naming `what`, never SQL text. SQLite compares dates as text, where
 * `Invalid date` sorts after every real date, so `created_at < :cutoff` would match every row.
 */
export function sqlDate(date: Date, what: string): Date {
	if (!(date instanceof Date) || Number.isNaN(date.getTime())) {
		throw new HttpHooksError(`${what} is not a valid date (got ${quote(String(date))}): a number it was computed from is out of range`);
	}

	return date;
}
