/** The delivery figures as `hooks stats` and the console print them: the same words in both. */

/** A lag: seconds below two minutes, then minutes, then hours; '' when there is none. */
export function duration(seconds: number | null): string {
	if (seconds === null) {
		return '';
	}

	if (seconds < 120) {
		return `${seconds}s`;
	}

	return seconds < 7200 ? `${Math.round(seconds / 60)}m` : `${(seconds / 3600).toFixed(1)}h`;
}

/** A share of attempts answered 2xx, as `75.0%`; '' when nothing was attempted. */
export function percent(rate: number | null): string {
	return rate === null ? '' : `${(rate * 100).toFixed(1)}%`;
}

/** An attempt latency, as `12ms`; '' when nothing was attempted. */
export function latency(ms: number | null): string {
	return ms === null ? '' : `${ms}ms`;
}
