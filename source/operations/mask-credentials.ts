/**
 * The one rule for showing credentials, used by every listing of the programs (`hooks
 * list-hooks`, `list-callbacks`, the console): a credential is shown only to someone who asks
 * for it (`--show-secrets`). Values are masked, names are kept, so that an operator still sees
 * which header or parameter is set. Signing secrets are never part of a listing at all.
 */

/** What a masked value is shown as. */
export const mask = '••••';

// Exact names, then parts of names: `X-Auth-Key`, `Ocp-Apim-Subscription-Key`, `api_key`, `X-Session-Id`.
const credentialNames = new Set(['authorization', 'proxy-authorization', 'cookie', 'set-cookie']);
const credentialParts = /key|token|secret|auth|passw(or)?d|signature|session|credential|cookie|private/i;
// Query parameters that carry a credential under a short name: `sig` (Azure SAS), `code` (Azure Functions).
const credentialParameters = new Set(['sig', 'code', 'pwd', 'pass']);

/** Whether a header (or query parameter) of this name carries a credential, whatever its case and separators. */
export function isCredentialName(name: string): boolean {
	const trimmed = name.trim().toLowerCase();
	return credentialNames.has(trimmed) || credentialParts.test(trimmed);
}

/**
 * A secret value as shown: `••••`, and its last two characters when it has 24 or more (enough to
 * tell two keys apart, too few to guess from). An auth scheme (`Bearer`, `Basic`) is kept.
 */
export function maskValue(value: string): string {
	if (value.includes(mask)) {
		// Masked already (a listing masked twice keeps its last two characters).
		return value;
	}

	const scheme = /^(Bearer|Basic|Token|Digest|Negotiate|ApiKey)\s+(\S.*)$/i.exec(value.trim());
	const secret = scheme ? scheme[2]! : value.trim();
	const masked = secret === '' ? '' : secret.length >= 24 ? `${mask}${secret.slice(-2)}` : mask;
	return scheme ? `${scheme[1]} ${masked}` : masked;
}

/** A header value fit for display: masked when the name is credential-like. */
export function maskHeaderValue(name: string, value: string): string {
	return isCredentialName(name) ? maskValue(value) : value;
}

/** Header text (`Key: value` rows, templates included) with credential values masked. */
export function maskHeaderText(text: string): string {
	return text.split(/\r?\n/).map(line => {
		const colon = line.indexOf(':');
		return colon === -1 ? line : `${line.slice(0, colon)}: ${maskHeaderValue(line.slice(0, colon).trim(), line.slice(colon + 1).trim())}`;
	}).join('\n');
}

/** A callback's stored headers (JSON text of an object) with credential values masked; other text as is. */
export function maskHeaderJson(json: string): string {
	let headers: unknown;
	try {
		headers = JSON.parse(json);
	} catch {
		return json;
	}

	if (headers === null || typeof headers !== 'object' || Array.isArray(headers)) {
		return json;
	}

	return JSON.stringify(Object.fromEntries(Object.entries(headers as Record<string, unknown>).map(([name, value]) => [name, maskHeaderValue(name, String(value))])));
}

function decode(text: string): string {
	try {
		return decodeURIComponent(text.replaceAll('+', ' '));
	} catch {
		return text;
	}
}

/**
 * A URL fit for display: the password of `user:pass@` and the values of credential-like query
 * parameters (`?token=`, `api_key=`, `sig=`) masked. Works on the text as written (templates,
 * URLs no parser takes), changing nothing else.
 */
export function maskUrl(url: string): string {
	const withoutPassword = url.replace(/^([a-z][a-z\d+.-]*:\/\/)([^/?#@]*):([^/?#]*)@/i, (_all, scheme: string, user: string) => `${scheme}${user}:${mask}@`);
	return withoutPassword.replace(/([?&;])([^=&;#\s]+)=([^&;#\s]*)/g, (all, separator: string, name: string, value: string) => {
		const key = decode(name);
		return value !== '' && (isCredentialName(key) || credentialParameters.has(key.toLowerCase())) ? `${separator}${name}=${mask}` : all;
	});
}

/** Free text (an error, status details) with every URL in it masked the same way. */
export function maskUrlsInText(text: string): string {
	return text.replaceAll(/\b[a-z][a-z\d+.-]*:\/\/[^\s"'<>]+/gi, url => maskUrl(url));
}

/** A hook as listed: URL and header values masked, unless `reveal`. Signing secrets are never listed. */
export function maskHookFields<T extends {targetUrl: string; headers: string}>(hook: T, {reveal = false}: {reveal?: boolean} = {}): T {
	return reveal ? hook : {...hook, targetUrl: maskUrl(hook.targetUrl), headers: maskHeaderText(hook.headers)};
}

/** A callback as listed: URL, headers and status details masked, unless `reveal`. */
export function maskCallbackFields<T extends {targetUrl: string; headers?: string; statusDetails?: string | null}>(callback: T, {reveal = false}: {reveal?: boolean} = {}): T {
	if (reveal) {
		return callback;
	}

	return {
		...callback,
		targetUrl: maskUrl(callback.targetUrl),
		...(typeof callback.headers === 'string' ? {headers: maskHeaderJson(callback.headers)} : {}),
		...(typeof callback.statusDetails === 'string' ? {statusDetails: maskUrlsInText(callback.statusDetails)} : {}),
	};
}

/**
 * A database URL fit for messages and titles: user and host kept, password gone, in every form:
 * `u:pass@`, an empty user (`:pw@`), `@`, `/` or `%40` in the password, `?password=` and the like,
 * and text no URL parser takes (all by pattern, never by parsing).
 */
export function redactDatabaseUrl(url: string): string {
	// The userinfo ends at the last `@`: a raw `@`, `/` or `?` in a password stays hidden (a host
	// is hidden too in the odd URL with an `@` after it, which is the safe side to err on).
	const withoutPassword = url.replace(/^([a-z][a-z\d+.-]*:\/\/)(.*)@/is, (_all, scheme: string, userinfo: string) => {
		const colon = userinfo.search(/[:/?#]/);
		return colon === -1 ? `${scheme}${userinfo}@` : `${scheme}${userinfo.slice(0, colon)}:***@`;
	});
	return withoutPassword.replaceAll(/(^|[?&;\s])([^=&;#\s]+)=([^&;#\s]*)/g, (all, separator: string, name: string, value: string) => {
		const key = decode(name).toLowerCase();
		return value !== '' && /passw(or)?d|pwd|pass|secret|token|key|auth|sslcert/.test(key) ? `${separator}${name}=***` : all;
	});
}
