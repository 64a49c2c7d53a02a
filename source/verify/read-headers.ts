import {quote} from '../errors.js';
import {WebhookVerificationError} from './verification-error.js';

/** Headers as a fetch `Headers`, or a plain object as Node.js (`req.headers`) and most frameworks give them. */
export type HeadersInput = {get(name: string): string | null} | Record<string, unknown>;

function isFetchHeaders(headers: HeadersInput): headers is {get(name: string): string | null} {
	return typeof Headers !== 'undefined' && headers instanceof Headers;
}

/**
 * The one value of header `name` (any letter case), or undefined when absent. Several values
 * (keys differing only in case, an array of more than one) are refused: which one was signed is
 * ambiguous. Only real strings count: an object posing as one is never turned into text.
 */
export function headerValue(headers: HeadersInput, name: string): string | undefined {
	if (isFetchHeaders(headers)) {
		const value = headers.get(name);
		// Headers joins repeated values with ", ", which no value of these headers contains.
		if (value !== null && value.includes(', ')) {
			throw new WebhookVerificationError('bad_header', `Header ${name} was sent more than once (${quote(value)})`);
		}

		return value ?? undefined;
	}

	const values: unknown[] = [];
	for (const key of Object.keys(headers)) {
		if (key.toLowerCase() === name) {
			// The stored value only: a getter is not run.
			const descriptor = Object.getOwnPropertyDescriptor(headers, key);
			values.push(descriptor && 'value' in descriptor ? descriptor.value : undefined);
		}
	}

	if (values.length > 1) {
		throw new WebhookVerificationError('bad_header', `Header ${name} is given ${values.length} times (keys differing in letter case)`);
	}

	let value = values[0];
	if (Array.isArray(value)) {
		if (value.length > 1) {
			throw new WebhookVerificationError('bad_header', `Header ${name} was sent ${value.length} times; it must be sent once`);
		}

		value = value[0];
	}

	if (value === undefined || value === null) {
		return undefined;
	}

	if (typeof value !== 'string') {
		throw new WebhookVerificationError('bad_header', `Header ${name} must be text, got ${Array.isArray(value) ? 'a list' : typeof value}`);
	}

	return value;
}

export function requiredHeader(headers: HeadersInput, name: string): string {
	const value = headerValue(headers, name);
	if (value === undefined || value.trim() === '') {
		throw new WebhookVerificationError('missing_header', `Header ${name} is missing${value === undefined ? '' : ' (empty)'}: this request is not a signed webhook`);
	}

	return value.trim();
}
