import {InvalidNumberError, parseInteger, type IntegerRange} from '../source/numbers.js';
import {UsageError} from './command.js';

/**
 * A flag or argument that must be a whole number, written as plain digits, within `range`; else
 * a usage error in the library's one wording: `--limit must be a whole number from 1 to 100000, got "0"`.
 */
export function integerFlag(name: string, value: unknown, range: IntegerRange): number {
	try {
		return parseInteger(name, value, range);
	} catch (error) {
		throw error instanceof InvalidNumberError ? new UsageError(error.message) : error;
	}
}

/** An optional integer flag: undefined when not given. */
export function optionalIntegerFlag(name: string, value: unknown, range: IntegerRange): number | undefined {
	return value === undefined ? undefined : integerFlag(name, value, range);
}

/** `from 1 to 1000`, for help lines. */
export function rangeText({min, max}: IntegerRange): string {
	return `${min} to ${max}`;
}
