// The three HTTP-date forms of RFC 9110 §5.6.7: IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`),
// the obsolete RFC 850 (`Sunday, 06-Nov-94 08:49:37 GMT`) and asctime (`Sun Nov  6 08:49:37 1994`).
const httpDate = /^(?:[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT|[A-Z][a-z]{5,8}, \d{2}-[A-Z][a-z]{2}-\d{2} \d{2}:\d{2}:\d{2} GMT|[A-Z][a-z]{2} [A-Z][a-z]{2} [ \d]\d \d{2}:\d{2}:\d{2} \d{4})$/;

/**
 * The wait a `Retry-After` header asks for, in ms: delay-seconds (plain digits) or an HTTP-date
 * (RFC 9110 §10.2.3). Undefined when absent or anything else (`-5`, `1.5`, `soon`), so that the
 * retry schedule applies: the lenient date parser would read `-5` as a day in 2001. A date in
 * the past is no wait.
 */
export function retryAfterMs(header: string | null | undefined, now: number = Date.now()): number | undefined {
	const value = header?.trim();
	if (!value) {
		return undefined;
	}

	if (/^\d+$/.test(value)) {
		// Digits beyond what a number holds exactly are still "a very long wait", capped later.
		return Math.min(Number(value) * 1000, Number.MAX_SAFE_INTEGER);
	}

	if (!httpDate.test(value)) {
		return undefined;
	}

	// asctime carries no zone but means GMT, as every HTTP-date does.
	const date = Date.parse(value.endsWith(' GMT') ? value : `${value} GMT`);
	return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
