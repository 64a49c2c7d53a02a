import {HttpHooksError, quote} from '../errors.js';

/**
 * A whole number of at least `min`, given as a number or as digits (a command-line argument).
 * Anything else is an HttpHooksError naming the value and what was expected.
 */
export function checkInteger(name: string, value: unknown, {min = 0}: {min?: number} = {}): number {
	const number = typeof value === 'string' && /^\s*-?\d+\s*$/.test(value) ? Number(value) : value;
	if (typeof number !== 'number' || !Number.isSafeInteger(number) || number < min) {
		const expected = min === 0 ? 'a non-negative integer' : (min === 1 ? 'a positive integer' : `an integer of at least ${min}`);
		// Numbers shown as written (NaN, Infinity), which JSON would turn into null.
		throw new HttpHooksError(`${name} ${quote(typeof value === 'number' ? String(value) : value)} is not ${expected}`);
	}

	return number;
}
