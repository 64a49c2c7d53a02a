import {HttpHooksError} from '../../source/errors.js';

/** One line for the message bar: the library's message, or the database's own words. */
export function describeError(error: unknown): string {
	if (error instanceof HttpHooksError) {
		return error.message;
	}

	const {message, original, name} = error as {message?: string; original?: {message?: string}; name?: string};
	const text = original?.message || message || name || String(error);
	return `Database error: ${text.replaceAll(/\s+/g, ' ')}`;
}
