import {InvalidHeadersError, quote} from './errors.js';

// RFC 9110 token characters: what a header name may hold.
const headerName = /^[!#$%&'*+\-.^`|~\w]+$/;

// Headers that frame the message or route it (a hook setting them could smuggle a second
// request or reach another host), and the library's own signature headers.
const reservedHeaders = new Set([
	'host', 'content-length', 'transfer-encoding', 'connection', 'upgrade', 'te', 'trailer', 'keep-alive',
	'webhook-id', 'webhook-timestamp', 'webhook-signature',
]);

/** True when a hook may not set this header (`Host`, `Content-Length`, `Proxy-*`, the signature headers…). */
export function isReservedHeader(name: string): boolean {
	const lower = name.toLowerCase();
	return reservedHeaders.has(lower) || lower.startsWith('proxy-');
}

/** Check a header name: a token, and not one the library or the HTTP layer owns. */
export function checkHeaderName(name: string, row?: string): string {
	if (!headerName.test(name)) {
		throw new InvalidHeadersError(`Header ${row === undefined ? '' : `row ${row} `}has an invalid name ${quote(name)}`);
	}

	if (isReservedHeader(name)) {
		throw new InvalidHeadersError(`Header ${quote(name)} cannot be set by a hook: it is set by the library or the HTTP layer`);
	}

	return name;
}

// What Node's http module sends (tab, visible ASCII, Latin-1), less DEL and the C1 controls.
const invalidValueCharacter = /[^\t\u0020-\u007E\u00A0-\u00FF]/u;

function describeCharacter(character: string): string {
	const code = character.codePointAt(0)!;
	const name = `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
	return code > 0xFF ? `${name} (outside Latin-1)` : `${name} (a control character)`;
}

/**
 * Check a header value: tab, visible ASCII and Latin-1 only, so no value can hold a line break
 * (a second header) or a character no HTTP request can carry. The error names the header and the
 * character, not the value (it may be a credential).
 */
export function checkHeaderValue(name: string, value: string): string {
	const match = invalidValueCharacter.exec(value);
	if (match) {
		throw new InvalidHeadersError(`Header ${quote(name)} has ${describeCharacter(match[0])} at position ${match.index + 1} of its value; header values hold visible ASCII and Latin-1 only`);
	}

	return value;
}

export type HeaderRow = {name: string; value: string};

/**
 * Split header text into `Key: value` rows (CRLF or LF); a value may hold colons; blank lines are
 * ignored; names are checked, values are returned unchecked (they may be templates).
 */
export function headerRows(text: string | null | undefined): HeaderRow[] {
	const rows: HeaderRow[] = [];
	if (!text) {
		return rows;
	}

	for (const [index, row] of text.split(/\r?\n/).entries()) {
		if (row.trim() === '') {
			continue;
		}

		const colon = row.indexOf(':');
		if (colon === -1) {
			throw new InvalidHeadersError(`Header row ${index + 1} ${quote(row)} has no colon; write it as "Key: value"`);
		}

		const name = checkHeaderName(row.slice(0, colon).trim(), `${index + 1} ${quote(row)}`);
		rows.push({name, value: row.slice(colon + 1).trim()});
	}

	return rows;
}

/**
 * Parse header text: `Key: value` rows separated by CRLF or LF. A value may hold colons;
 * blank lines are ignored; a row without a colon, with a bad or reserved name, or with a value
 * no request can carry raises InvalidHeadersError.
 */
export function parseHeaders(text: string | null | undefined): Record<string, string> {
	const headers: Record<string, string> = {};
	for (const {name, value} of headerRows(text)) {
		headers[name] = checkHeaderValue(name, value);
	}

	return headers;
}

/** Write headers back as text, one `Key: value` row per line. */
export function formatHeaders(headers: Record<string, string>): string {
	return Object.entries(headers).map(([name, value]) => `${name}: ${value}`).join('\r\n');
}
