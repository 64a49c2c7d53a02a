import nunjucks from 'nunjucks';

/** nunjucks' marker for text not to be escaped again. */
export const SafeString = nunjucks.runtime.SafeString as unknown as new (value: string) => {readonly val: string};
export type SafeString = InstanceType<typeof SafeString>;

/** The text of a string or a SafeString. */
export function stringOf(value: string | SafeString): string {
	return typeof value === 'string' ? value : String(value.val);
}

/** Arrays and objects whose prototype is Object's or none: the only containers a template reads. */
export function isPlainContainer(value: unknown): value is Record<string, unknown> {
	if (Array.isArray(value)) {
		return true;
	}

	if (typeof value !== 'object' || value === null) {
		return false;
	}

	const prototype = Object.getPrototypeOf(value) as unknown;
	return prototype === Object.prototype || prototype === null;
}

const canonicalIndex = /^(?:0|[1-9]\d*)$/;

/**
 * An own data property of plain data, never a function: a string's length and characters, an
 * array's items and length, a plain object's own keys. Anything else reads as undefined.
 */
export function ownValue(object: unknown, name: string): unknown {
	if (typeof object === 'string' || object instanceof SafeString) {
		const text = stringOf(object);
		if (name === 'length') {
			return text.length;
		}

		return canonicalIndex.test(name) ? text[Number(name)] : undefined;
	}

	if (!isPlainContainer(object) || !Object.hasOwn(object, name)) {
		return undefined;
	}

	const descriptor = Object.getOwnPropertyDescriptor(object, name);
	const value = descriptor && 'value' in descriptor ? descriptor.value as unknown : undefined;
	return typeof value === 'function' ? undefined : value;
}

/** A text longer than this is refused while it is built; thrown by display() and boundedJson(). */
export class TooLongError extends Error {
	override name = 'TooLongError';
}

/**
 * A value as a template prints it, without calling any method of the value: arrays as their
 * items joined by commas (as JavaScript does), objects as `[object Object]`, functions as nothing.
 * Nested arrays can describe more text than memory holds: past `limit` characters it throws.
 */
export function display(value: unknown, limit = Number.POSITIVE_INFINITY): string {
	switch (typeof value) {
		case 'string': {
			return value;
		}

		case 'number':
		case 'boolean':
		case 'bigint': {
			return String(value);
		}

		case 'object': {
			if (value === null) {
				return '';
			}

			if (value instanceof SafeString) {
				return stringOf(value);
			}

			return Array.isArray(value) ? joinItems(value, limit) : '[object Object]';
		}

		default: {
			return '';
		}
	}
}

function joinItems(items: unknown[], limit: number): string {
	const parts: string[] = [];
	let length = 0;
	for (const item of items) {
		const part = display(item, limit - length);
		length += part.length + 1;
		if (length > limit + 1) {
			throw new TooLongError(`text longer than ${limit}`);
		}

		parts.push(part);
	}

	return parts.join(',');
}

/** JSON.stringify that stops past `limit` characters (data can share parts and describe far more). */
export function boundedJson(value: unknown, limit: number, spaces?: number): string {
	let length = 0;
	return JSON.stringify(value, (key, item: unknown) => {
		length += key.length + (typeof item === 'string' ? item.length : 4);
		if (length > limit) {
			throw new TooLongError(`text longer than ${limit}`);
		}

		return item;
	}, spaces);
}

/**
 * A copy of a value as plain data: what JSON would keep (dates as ISO text, objects with toJSON
 * as what it returns), with objects of no prototype, so that a template sees no method, getter
 * or prototype of the app's objects. Cycles and functions are left out.
 */
export function toPlainData(value: unknown, ancestors = new Set<object>()): unknown {
	if (value === null || typeof value !== 'object') {
		if (typeof value === 'bigint') {
			return String(value);
		}

		return typeof value === 'function' || typeof value === 'symbol' ? undefined : value;
	}

	if (ancestors.has(value)) {
		return undefined;
	}

	if (value instanceof SafeString) {
		return stringOf(value);
	}

	if (!isPlainContainer(value)) {
		const json = (value as {toJSON?: unknown}).toJSON;
		if (typeof json === 'function') {
			return toPlainData(json.call(value) as unknown, ancestors);
		}
	}

	ancestors.add(value);
	try {
		if (Array.isArray(value)) {
			return value.map(item => toPlainData(item, ancestors) ?? null);
		}

		const copy = Object.create(null) as Record<string, unknown>;
		for (const key of Object.keys(value)) {
			const item = toPlainData((value as Record<string, unknown>)[key], ancestors);
			if (item !== undefined) {
				copy[key] = item;
			}
		}

		return copy;
	} finally {
		ancestors.delete(value);
	}
}
