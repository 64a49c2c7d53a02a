import {maskHeaderValue} from '../../source/operations/mask-credentials.js';

// The console masks with the library's one rule, the same as `hooks list-hooks` and `list-callbacks`.
export {maskHeaderText, maskHeaderValue} from '../../source/operations/mask-credentials.js';

/** A callback's stored headers (JSON text) as masked `Key: value` lines. */
export function maskHeaderJson(json: string): string[] {
	let headers: unknown;
	try {
		headers = JSON.parse(json);
	} catch {
		return [json];
	}

	if (headers === null || typeof headers !== 'object' || Array.isArray(headers)) {
		return [json];
	}

	return Object.entries(headers as Record<string, unknown>).map(([name, value]) => `${name}: ${maskHeaderValue(name, String(value))}`);
}
