import {burstOf, type DeliveryFields} from '../source/hooks/delivery-fields.js';

/** A wait in ms as people read it: `500ms`, `5s`, `5m`, `2h`, `1.5d`. */
export function waitText(ms: number): string {
	const units: Array<[number, string]> = [[86_400_000, 'd'], [3_600_000, 'h'], [60_000, 'm'], [1000, 's']];
	for (const [size, unit] of units) {
		if (ms >= size) {
			return `${Number((ms / size).toFixed(1))}${unit}`;
		}
	}

	return `${ms}ms`;
}

/** A hook's rate limit and in-flight cap, as `hooks list-hooks` and the console show them; '' without. */
export function limitsText(hook: Partial<DeliveryFields>, {burst = false} = {}): string {
	const parts: string[] = [];
	if (hook.rateLimit !== undefined && hook.rateLimit !== null) {
		parts.push(`${hook.rateLimit}/s${burst ? ` (bursts of ${Math.floor(burstOf(hook.rateLimit))})` : ''}`);
	}

	if (hook.maxInFlight !== undefined && hook.maxInFlight !== null) {
		parts.push(`${hook.maxInFlight} in flight`);
	}

	return parts.join(' · ');
}

/** A hook's own retry schedule, `4 attempts · retries 5s, 1m`; '' when it uses the sender's. */
export function scheduleText(hook: Partial<DeliveryFields>): string {
	const parts: string[] = [];
	if (hook.maxAttempts !== undefined && hook.maxAttempts !== null) {
		parts.push(`${hook.maxAttempts} attempt${hook.maxAttempts === 1 ? '' : 's'}`);
	}

	if (hook.retryDelays !== undefined && hook.retryDelays !== null) {
		parts.push(`retries ${hook.retryDelays.map(delay => waitText(delay)).join(', ')}`);
	}

	return parts.join(' · ');
}
