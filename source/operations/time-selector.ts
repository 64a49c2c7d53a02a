import {HttpHooksError, quote} from '../errors.js';

const units = {m: 60_000, h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000} as const;

/** The longest duration a selector takes: a century, far inside what a Date holds. */
const maxDurationMs = 36_500 * units.d;

// An ISO 8601 date, or date and time (minutes, seconds and fractions optional), with an optional
// zone. Without a zone the time is local, as Date reads it.
const isoTime = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;

export const timeSelectorHelp = 'a duration back from now (90m, 2h, 3d, 1w) or an ISO time (2026-03-01T02:00:00Z)';

/**
 * A point in time given as a Date, a duration back from `now` (`90m`, `2h`, `3d`, `1w`: whole
 * minutes, hours, days or weeks, at most a century) or an ISO 8601 date or time. Anything else
 * (`yesterday-ish`, `-2h`, `1e400h`, an object) is an HttpHooksError naming `name` and the value.
 */
export function parseTimeSelector(name: string, value: unknown, now: Date): Date {
	const wrong = (why = '') => new HttpHooksError(`${name} must be ${timeSelectorHelp}, got ${quote(value instanceof Date ? String(value) : value)}${why}`);
	if (value instanceof Date) {
		if (Number.isNaN(value.getTime())) {
			throw wrong();
		}

		return new Date(value.getTime());
	}

	if (typeof value !== 'string') {
		throw wrong();
	}

	const duration = /^(\d{1,9})([mhdw])$/.exec(value);
	if (duration) {
		const ms = Number(duration[1]) * units[duration[2] as keyof typeof units];
		if (ms > maxDurationMs) {
			throw wrong(': at most a century back');
		}

		return new Date(now.getTime() - ms);
	}

	if (!isoTime.test(value)) {
		throw wrong();
	}

	// Date rolls 2026-02-30 over into March: the day must exist in its month.
	const [year, month, day] = value.slice(0, 10).split('-').map(Number) as [number, number, number];
	const date = new Date(value.replace(' ', 'T'));
	if (Number.isNaN(date.getTime()) || month < 1 || month > 12 || day < 1 || day > new Date(Date.UTC(year, month, 0)).getUTCDate()) {
		throw wrong(': not a real date');
	}

	return date;
}
