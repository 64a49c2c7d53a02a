/**
 * The wait a `Retry-After` header asks for, in ms: delay-seconds or an HTTP date (RFC 9110
 * §10.2.3). Undefined when absent or unreadable; a date in the past is no wait.
 */
export function retryAfterMs(header: string | null | undefined, now: number = Date.now()): number | undefined {
	const value = header?.trim();
	if (!value) {
		return undefined;
	}

	if (/^\d+$/.test(value)) {
		return Number(value) * 1000;
	}

	const date = Date.parse(value);
	return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
