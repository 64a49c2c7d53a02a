import {UsageError} from './command.js';

/** A flag that must be a whole number within bounds, or a usage error naming flag and value. */
export function wholeNumber(flag: string, value: unknown, minimum = 1, maximum = Number.MAX_SAFE_INTEGER): number {
	const text = String(value).trim();
	const number = Number(text);
	if (!/^\d+$/.test(text) || number < minimum || number > maximum) {
		throw new UsageError(`${flag} must be a whole number from ${minimum}${maximum < Number.MAX_SAFE_INTEGER ? ` to ${maximum}` : ' up'}, got ${JSON.stringify(value)}`);
	}

	return number;
}

/** A flag given in seconds (fractions allowed), as milliseconds. */
export function seconds(flag: string, value: unknown, minimum: number): number {
	const text = String(value).trim();
	const number = Number(text);
	if (text === '' || !Number.isFinite(number) || number < minimum) {
		throw new UsageError(`${flag} must be a number of seconds, at least ${minimum}, got ${JSON.stringify(value)}`);
	}

	return Math.round(number * 1000);
}
