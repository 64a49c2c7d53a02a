import {QueryTypes, type Sequelize} from 'sequelize';
import {checkDeliveryFields, type DeliveryFields} from '../hooks/delivery-fields.js';
import {parseRetryDelays} from '../store/models.js';

/** A hook's limits, as the claims need them. */
export type HookLimits = {hookId: number; rateLimit: number | null; maxInFlight: number | null};

type Row = {id: number | string; enabled: boolean | number; rate_limit: number | string | null; max_in_flight: number | string | null; max_attempts: number | string | null; retry_delays: string | null};

const number = (value: number | string | null) => value === null ? null : Number(value);

// How old the policies may get: a hook changed anywhere is obeyed within this (plus a claim).
const maxAgeMs = 1000;

/**
 * The delivery fields of every hook that has one (rate limit, in-flight cap, retry schedule),
 * read again at most once a second, so a change made anywhere (the API, the console, plain SQL)
 * applies within about a second. A value stored past the validation (plain SQL) that is not
 * valid is left out: that hook is sent on the sender's settings, and the warning says so once.
 */
export class HookPolicies {
	#policies = new Map<number, DeliveryFields>();
	#disabled = new Set<number>();
	#loadedAt = Number.NEGATIVE_INFINITY;
	readonly #warned = new Set<string>();

	constructor(private readonly sequelize: Sequelize, private readonly warn: (message: string) => void) {}

	/** Read the policies again if they are older than a second. */
	async refresh(now = Date.now()): Promise<void> {
		if (now - this.#loadedAt < maxAgeMs) {
			return;
		}

		const rows = await this.sequelize.query<Row>(
			`SELECT id, enabled, rate_limit, max_in_flight, max_attempts, retry_delays FROM http_hooks
			WHERE rate_limit IS NOT NULL OR max_in_flight IS NOT NULL OR max_attempts IS NOT NULL OR retry_delays IS NOT NULL`,
			{type: QueryTypes.SELECT},
		);
		const policies = new Map<number, DeliveryFields>();
		const disabled = new Set<number>();
		for (const row of rows) {
			const id = Number(row.id);
			if (!row.enabled) {
				disabled.add(id);
			}

			const stored = {rateLimit: number(row.rate_limit), maxInFlight: number(row.max_in_flight), maxAttempts: number(row.max_attempts), retryDelays: row.retry_delays === null ? null : parseRetryDelays(row.retry_delays) ?? row.retry_delays};
			try {
				policies.set(id, checkDeliveryFields(stored));
			} catch (error) {
				const message = `hook ${id} has an invalid delivery setting (${(error as Error).message}); its callbacks are sent on the sender's settings`;
				if (!this.#warned.has(message)) {
					this.#warned.add(message);
					this.warn(message);
				}
			}
		}

		this.#policies = policies;
		this.#disabled = disabled;
		this.#loadedAt = now;
	}

	/** The hook's fields, or undefined when it has none (or a deleted hook's callback). */
	of(hookId: number | null): DeliveryFields | undefined {
		return hookId === null ? undefined : this.#policies.get(hookId);
	}

	/** Every hook with a rate limit or an in-flight cap, enabled or not: left out of the other claims. */
	limitedIds(): number[] {
		return [...this.#policies].filter(([, {rateLimit, maxInFlight}]) => rateLimit !== null || maxInFlight !== null).map(([hookId]) => hookId);
	}

	/** The enabled hooks with a rate limit or an in-flight cap: claimed apart, under their limits. */
	limited(): HookLimits[] {
		const limited: HookLimits[] = [];
		for (const [hookId, {rateLimit, maxInFlight}] of this.#policies) {
			if ((rateLimit !== null || maxInFlight !== null) && !this.#disabled.has(hookId)) {
				limited.push({hookId, rateLimit, maxInFlight});
			}
		}

		return limited;
	}
}
