import type {DeliverySettings} from './delivery-settings.js';

type Schedule = Pick<DeliverySettings, 'retryDelaysMs' | 'jitter' | 'maxRetryAfterMs'>;

/** A hook's own schedule: each field given overrides the sender's; null leaves the sender's. */
export type HookSchedule = {maxAttempts: number | null; retryDelays: number[] | null};

/** The sender's schedule with a hook's own over it (no hook, or nothing set: the sender's as it is). */
export function scheduleFor<T extends Pick<DeliverySettings, 'maxAttempts' | 'retryDelaysMs'>>(settings: T, hook?: HookSchedule): T {
	if (!hook || (hook.maxAttempts === null && hook.retryDelays === null)) {
		return settings;
	}

	return {...settings, maxAttempts: hook.maxAttempts ?? settings.maxAttempts, retryDelaysMs: hook.retryDelays ?? settings.retryDelaysMs};
}

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
