import type {DeliverySettings} from './delivery-settings.js';

type Schedule = Pick<DeliverySettings, 'retryDelaysMs' | 'jitter' | 'maxRetryAfterMs'>;

/**
 * The wait before the next attempt after failed attempt number `attempt` (1-based): the
 * schedule's delay moved by up to ±jitter, or what the receiver's Retry-After asked for (capped).
 */
export function retryDelayMs(attempt: number, schedule: Schedule, retryAfter?: number, random: () => number = Math.random): number {
	if (retryAfter !== undefined) {
		return Math.min(retryAfter, schedule.maxRetryAfterMs);
	}

	const delays = schedule.retryDelaysMs;
	const base = delays[Math.min(Math.max(attempt, 1), delays.length) - 1]!;
	const spread = base * schedule.jitter * ((random() * 2) - 1);
	return Math.max(0, Math.round(base + spread));
}
