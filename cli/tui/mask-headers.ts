const secretName = /authorization|api[-_]?key|token|secret|password|passwd|cookie|signature|credential|session|private/i;

/** A header value fit for the screen: secret-looking ones masked (an auth scheme is kept). */
export function maskHeaderValue(name: string, value: string): string {
	if (!secretName.test(name)) {
		return value;
	}

	const scheme = /^(Bearer|Basic|Token|Digest)\s+\S/i.exec(value);
	return scheme ? `${scheme[1]} ••••••••` : '••••••••';
}

/** Header text (`Key: value` rows) with secret values masked; template rows are masked the same way. */
export function maskHeaderText(text: string): string {
	return text.split(/\r?\n/).map(line => {
		const colon = line.indexOf(':');
		return colon === -1 ? line : `${line.slice(0, colon)}: ${maskHeaderValue(line.slice(0, colon).trim(), line.slice(colon + 1).trim())}`;
	}).join('\n');
}

/** A callback's stored headers (JSON text) as masked `Key: value` lines. */
export function maskHeaderJson(json: string): string[] {
	let headers: unknown;
	try {
		headers = JSON.parse(json);
	} catch {
		return [json];
	}

	if (headers === null || typeof headers !== 'object') {
		return [json];
	}

	return Object.entries(headers as Record<string, unknown>).map(([name, value]) => `${name}: ${maskHeaderValue(name, String(value))}`);
}
