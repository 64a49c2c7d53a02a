// node-fetch words a network error as the request first: "request to <url> failed, reason: …".
const fetchPrefix = /^request to \S+ failed, reason: /;
// A system error's code (ECONNREFUSED, ETIMEDOUT, EAI_AGAIN…) or undici's (UND_ERR_SOCKET).
const errorCode = /\b(E[A-Z][A-Z\d_]+|UND_ERR_[A-Z_]+)\b/;

/**
 * A callback's status details for a narrow column: what went wrong first. The URL the error
 * repeats is dropped (the REQUEST column shows it), and a system error's code leads:
 * `ECONNREFUSED: connect 127.0.0.1:9`. Other details (`status_code:503`, `timeout: …`) stay as they are.
 */
export function briefDetails(text: string): string {
	const reason = text.replace(fetchPrefix, '');
	const code = errorCode.exec(reason)?.[1];
	if (code === undefined || reason.startsWith(code)) {
		return reason;
	}

	const rest = reason.replace(code, '').replaceAll(/\s{2,}/g, ' ').trim();
	return rest === '' ? code : `${code}: ${rest}`;
}
