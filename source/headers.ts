import {InvalidHeadersError, quote} from './errors.js';

// RFC 9110 token characters: what a header name may hold.
const headerName = /^[!#$%&'*+\-.^`|~\w]+$/;

/**
 * Parse header text: `Key: value` rows separated by CRLF or LF. A value may hold colons;
 * blank lines are ignored; a row without a colon or with a bad name raises InvalidHeadersError.
 */
export function parseHeaders(text: string | null | undefined): Record<string, string> {
	const headers: Record<string, string> = {};
	if (!text) {
		return headers;
	}

	for (const [index, row] of text.split(/\r?\n/).entries()) {
		if (row.trim() === '') {
			continue;
		}

		const colon = row.indexOf(':');
		if (colon === -1) {
			throw new InvalidHeadersError(`Header row ${index + 1} ${quote(row)} has no colon; write it as "Key: value"`);
		}

		const name = row.slice(0, colon).trim();
		if (!headerName.test(name)) {
			throw new InvalidHeadersError(`Header row ${index + 1} ${quote(row)} has an invalid name ${quote(name)}`);
		}

		const value = row.slice(colon + 1).trim();
		if (/[\r\n\0]/.test(value)) {
			throw new InvalidHeadersError(`Header ${quote(name)} has a control character in its value`);
		}

		headers[name] = value;
	}

	return headers;
}

/** Write headers back as text, one `Key: value` row per line. */
export function formatHeaders(headers: Record<string, string>): string {
	return Object.entries(headers).map(([name, value]) => `${name}: ${value}`).join('\r\n');
}
