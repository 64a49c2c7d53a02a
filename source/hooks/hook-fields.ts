import {InvalidHookError, quote} from '../errors.js';
import {parseInteger, ranges, type IntegerRange} from '../numbers.js';
import type {HookInput} from './validate-hook.js';

/** How a field is written as text (a command-line flag) and as JSON (an export document). */
export type FieldKind = 'text' | 'optional-text' | 'list' | 'boolean' | 'number' | 'integer' | 'integers' | 'date';

export type HookField = {
	/** The API's key, which is also the key in an export document and (in kebab case) the flag. */
	key: keyof HookInput;
	kind: FieldKind;
	/** For `--help`. */
	description: string;
	/** createHook needs it. */
	required?: boolean;
	/** A signing secret: never shown; exported only when asked for. */
	secret?: boolean;
	/**
	 * ensureHook and import-hooks leave it as it is when the input does not mention it (an
	 * operator's disable survives a restart, an exported file without secrets keeps them).
	 */
	keptWhenAbsent?: boolean;
	range?: IntegerRange;
};

/** Every field of a hook, once: flags, export, import, ensureHook's comparison and the diff are built from it. */
export const hookFields: readonly HookField[] = [
	{key: 'name', kind: 'text', required: true, description: 'The hook\'s name; import-hooks and ensureHook match hooks by it'},
	{key: 'model', kind: 'text', required: true, description: 'A model name the app registered (see the console, or list-hooks)'},
	{key: 'signals', kind: 'list', required: true, description: 'Signals (repeatable, or comma-separated): afterCreate, afterUpdate, afterDestroy, afterSave, afterUpsert, afterRestore, or a custom one'},
	{key: 'targetUrl', kind: 'text', required: true, description: 'The http:// or https:// URL to send to'},
	{key: 'httpMethod', kind: 'text', description: 'POST (default), PUT, PATCH, GET or DELETE'},
	{key: 'contentType', kind: 'optional-text', description: 'application/json, application/xml, text/xml, text/plain, application/javascript, text/html; "" for none'},
	{key: 'headers', kind: 'optional-text', description: 'Header rows "Key: value", separated by newlines ("\\n" in a shell: use $\'…\')'},
	{key: 'payloadTemplate', kind: 'optional-text', description: 'A nunjucks template of the body; "" for the default payload'},
	{key: 'serializerClass', kind: 'optional-text', description: 'A serializer the app registered; "" for none'},
	{key: 'condition', kind: 'optional-text', description: 'A nunjucks expression; a change writes a callback only when it holds; "" for always'},
	{key: 'enabled', kind: 'boolean', keptWhenAbsent: true, description: 'true or false (default true)'},
	{key: 'ordered', kind: 'boolean', description: 'true: deliver the callbacks of one record in creation order (default false)'},
	{key: 'rateLimit', kind: 'number', description: 'Requests per second, all senders together (e.g. 20 or 0.5); none for no limit'},
	{key: 'maxInFlight', kind: 'integer', range: ranges.maxInFlight, description: 'Requests in flight at once, all senders together; none for no cap'},
	{key: 'maxAttempts', kind: 'integer', range: ranges.maxAttempts, description: 'Attempts per callback, the first included; none for the sender\'s'},
	{key: 'retryDelays', kind: 'integers', range: ranges.retryDelayMs, description: 'Waits after each failed attempt in ms, comma-separated (e.g. 5000,60000); none for the sender\'s'},
	{key: 'secret', kind: 'optional-text', secret: true, keptWhenAbsent: true, description: 'A "whsec_…" secret: requests are signed (Standard Webhooks); "" for none'},
	{key: 'previousSecret', kind: 'optional-text', secret: true, keptWhenAbsent: true, description: 'The secret before a rotation, still signing until previousSecretExpiresAt'},
	{key: 'previousSecretExpiresAt', kind: 'date', secret: true, keptWhenAbsent: true, description: 'When the previous secret stops signing (an ISO time)'},
];

export const hookFieldKeys: ReadonlySet<string> = new Set(hookFields.map(field => field.key));

/** `targetUrl` → `target-url`. */
export function flagName(key: string): string {
	return key.replaceAll(/[A-Z]/g, letter => `-${letter.toLowerCase()}`);
}

const clears = (text: string) => text.trim() === '' || text.trim().toLowerCase() === 'none';

/**
 * A field's value from command-line text; a bad one throws InvalidHookError naming `label` and the
 * value. `none` or "" clears a nullable number; "" clears a nullable text.
 */
export function parseFieldText(field: HookField, text: string | string[], label = `--${flagName(field.key)}`): unknown {
	if (field.kind === 'list') {
		return (Array.isArray(text) ? text : [text]).flatMap(item => item.split(',')).map(item => item.trim()).filter(item => item !== '');
	}

	const value = Array.isArray(text) ? text.at(-1)! : text;
	switch (field.kind) {
		case 'text': return value;
		case 'optional-text': return value === '' ? null : value;
		case 'date': return clears(value) ? null : value.trim();
		case 'boolean': {
			const word = value.trim().toLowerCase();
			if (word === 'true' || word === 'yes') {
				return true;
			}

			if (word === 'false' || word === 'no') {
				return false;
			}

			throw new InvalidHookError(`${label} must be true or false, got ${quote(value)}`, {field: field.key});
		}

		case 'number': {
			if (clears(value)) {
				return null;
			}

			if (!/^\d{1,9}(\.\d{1,9})?$/.test(value.trim())) {
				throw new InvalidHookError(`${label} must be a number such as 20 or 0.5, or none, got ${quote(value)}`, {field: field.key});
			}

			return Number(value.trim());
		}

		case 'integer': return clears(value) ? null : parseInteger(label, value.trim(), field.range!);
		case 'integers': return clears(value) ? null : value.split(',').map((item, index) => parseInteger(`${label} (entry ${index + 1})`, item.trim(), field.range!));
		default: throw new Error(`unknown field kind ${String(field.kind)}`);
	}
}

function typeError(field: HookField, value: unknown, wanted: string, where: string): InvalidHookError {
	return new InvalidHookError(`${where}${field.key} must be ${wanted}, got ${quote(value === undefined ? 'undefined' : value)}`, {field: field.key});
}

/**
 * A field's value from a JSON document: the JSON type is checked here (an object where text
 * belongs is refused, never turned into text); the value itself by the hook validation.
 */
export function checkFieldJson(field: HookField, value: unknown, where = ''): unknown {
	const nullable = !field.required && field.kind !== 'boolean' && field.key !== 'httpMethod';
	if (value === null && nullable) {
		return null;
	}

	switch (field.kind) {
		case 'text':
		case 'optional-text':
			if (typeof value !== 'string') {
				throw typeError(field, value, nullable ? 'text or null' : 'text', where);
			}

			return value;
		case 'date':
			if (typeof value !== 'string') {
				throw typeError(field, value, 'an ISO time (text) or null', where);
			}

			return value;
		case 'list':
			if (!Array.isArray(value) || !value.every(item => typeof item === 'string')) {
				throw typeError(field, value, 'a list of names', where);
			}

			return value;
		case 'boolean':
			if (typeof value !== 'boolean') {
				throw typeError(field, value, 'true or false', where);
			}

			return value;
		case 'number':
		case 'integer':
			if (typeof value !== 'number') {
				throw typeError(field, value, 'a number or null', where);
			}

			return value;
		case 'integers':
			if (!Array.isArray(value) || !value.every(item => typeof item === 'number')) {
				throw typeError(field, value, 'a list of numbers (ms) or null', where);
			}

			return value;
		default: throw new Error(`unknown field kind ${String(field.kind)}`);
	}
}

/** A field's value in a comparable form: dates as ISO text, signals in order, absent as null. */
export function comparable(field: HookField, value: unknown): string {
	if (value === undefined || value === null) {
		return 'null';
	}

	if (value instanceof Date) {
		return JSON.stringify(value.toISOString());
	}

	if (field.key === 'signals' && Array.isArray(value)) {
		return JSON.stringify([...value as string[]].sort());
	}

	return JSON.stringify(value);
}
