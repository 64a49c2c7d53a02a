import {Counter, Gauge, Histogram, Registry, collectDefaultMetrics} from 'prom-client';
import type {Sequelize} from 'sequelize';
import {checkInteger, ranges} from '../numbers.js';
import {sampleQueue, type QueueSample} from './queue-sample.js';

export type MetricsOptions = {
	/** Register the metrics here (an app's own registry); default: a registry of their own. */
	registry?: Registry;
	/** How old the figures read from the database may get before a scrape reads them again, in ms; default 5000. */
	sampleIntervalMs?: number;
	/** Add prom-client's process metrics (CPU, memory, event loop lag); default false. */
	defaultMetrics?: boolean;
};

/** What an attempt did, as the label says it: the same words as the events. */
export type AttemptOutcome = 'delivered' | 'failed' | 'exhausted';

// The longest a scrape waits for the database: past it, the last figures are served.
const sampleTimeoutMs = 2000;
const hookNameLimit = 100;

/** A hook as a label value: its id, or `none` for callbacks of deleted hooks. */
export function hookLabel(hookId: number | null): string {
	return hookId === null ? 'none' : String(hookId);
}

/** The class of a status code (`2xx`…`5xx`), or `none` when no response came. */
export function codeClass(statusCode: number | null): string {
	return statusCode === null || statusCode < 100 || statusCode > 599 ? 'none' : `${Math.floor(statusCode / 100)}xx`;
}

/** The gauges read from the database; `hooks stats --prometheus` prints them too. */
export function queueGauges(registry: Registry, collect?: () => Promise<void>) {
	const options = collect ? {registers: [registry], collect} : {registers: [registry]};
	return {
		callbacks: new Gauge({name: 'http_hooks_callbacks', help: 'Callbacks by hook and status, as the database holds them', labelNames: ['hook_id', 'status'] as const, ...options}),
		lag: new Gauge({name: 'http_hooks_oldest_due_lag_seconds', help: 'Per hook, how long the oldest due callback has been waiting (0: none due)', labelNames: ['hook_id'] as const, ...options}),
		disabled: new Gauge({name: 'http_hooks_hooks_disabled', help: 'Hooks that are disabled (by hand, or by the sender for a failing endpoint)', ...options}),
		info: new Gauge({name: 'http_hooks_hook_info', help: 'One series per hook, 1; join on hook_id for its name and whether it is enabled', labelNames: ['hook_id', 'hook_name', 'enabled'] as const, ...options}),
	};
}

export type QueueGauges = ReturnType<typeof queueGauges>;

/** Set the gauges from the hooks and lags (and counts, unless given apart); series of gone hooks go. */
export function setHookGauges(gauges: QueueGauges, sample: Pick<QueueSample, 'hooks' | 'lags'>): void {
	gauges.lag.reset();
	gauges.info.reset();
	for (const hook of sample.hooks) {
		gauges.info.set({hook_id: hookLabel(hook.id), hook_name: hook.name.slice(0, hookNameLimit), enabled: String(hook.enabled)}, 1);
		gauges.lag.set({hook_id: hookLabel(hook.id)}, 0);
	}

	for (const {hookId, seconds} of sample.lags) {
		gauges.lag.set({hook_id: hookLabel(hookId)}, seconds);
	}

	gauges.disabled.set(sample.hooks.filter(hook => !hook.enabled).length);
}

/**
 * The sender's Prometheus metrics. Counters and the histogram are this process's (its runs'
 * attempts); the queue's figures come from the database, read when a scrape finds them older
 * than `sampleIntervalMs` (never more often, however many scrapers), and served as they were
 * when the database does not answer within 2 s. Labels are bounded: hook ids, outcomes, status
 * classes and statuses; never a URL or a callback id.
 */
export class DeliveryMetrics {
	readonly registry: Registry;
	readonly #attempts: Counter<'hook_id' | 'outcome' | 'code_class'>;
	readonly #duration: Histogram<'hook_id'>;
	readonly #inFlight: Gauge;
	readonly #claimed: Counter;
	readonly #sendErrors: Counter;
	readonly #disablements: Counter<'hook_id'>;
	readonly #queue: QueueGauges;
	readonly #databaseUp: Gauge;
	readonly #sampledAt: Gauge;
	readonly #sampleIntervalMs: number;
	#lastSample = Number.NEGATIVE_INFINITY;
	#sampling: Promise<void> | undefined;
	#up: boolean | undefined;

	constructor(private readonly sequelize: Sequelize, options: MetricsOptions = {}) {
		this.#sampleIntervalMs = checkInteger('sampleIntervalMs', options.sampleIntervalMs ?? 5000, ranges.sampleIntervalMs);
		const registry = options.registry ?? new Registry();
		this.registry = registry;
		const registers = [registry];
		this.#attempts = new Counter({name: 'http_hooks_attempts_total', help: 'Attempts made by this process, by hook, outcome (delivered, failed: retry scheduled, exhausted: final error) and status class', labelNames: ['hook_id', 'outcome', 'code_class'], registers});
		this.#duration = new Histogram({
			name: 'http_hooks_attempt_duration_seconds', help: 'How long attempts took, request sent to response read, by hook', labelNames: ['hook_id'], registers,
			buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15, 30],
		});
		this.#inFlight = new Gauge({name: 'http_hooks_in_flight', help: 'Requests under way in this process', registers});
		this.#claimed = new Counter({name: 'http_hooks_claimed_total', help: 'Callbacks claimed by this process', registers});
		this.#sendErrors = new Counter({name: 'http_hooks_send_errors_total', help: 'Problems the sender survived (database away, lease lost…), as warned', registers});
		this.#disablements = new Counter({name: 'http_hooks_hook_disablements_total', help: 'Hooks disabled by this process because their endpoint kept failing or is gone', labelNames: ['hook_id'], registers});
		const collect = async () => this.#fresh();
		this.#queue = queueGauges(registry, collect);
		this.#databaseUp = new Gauge({name: 'http_hooks_database_up', help: '1 when the last read of the queue from the database succeeded', registers, collect});
		this.#sampledAt = new Gauge({name: 'http_hooks_queue_sampled_timestamp_seconds', help: 'When the queue figures were last read from the database (Unix time)', registers, collect});
		if (options.defaultMetrics) {
			collectDefaultMetrics({register: registry});
		}
	}

	/** Whether the database answered the last read; undefined before the first. */
	get databaseUp(): boolean | undefined {
		return this.#up;
	}

	attempt(hookId: number | null, outcome: AttemptOutcome, statusCode: number | null, durationMs: number): void {
		const hook = hookLabel(hookId);
		this.#attempts.inc({hook_id: hook, outcome, code_class: codeClass(statusCode)});
		this.#duration.observe({hook_id: hook}, durationMs / 1000);
	}

	claimed(count: number): void {
		this.#claimed.inc(count);
	}

	inFlight(delta: number): void {
		this.#inFlight.inc(delta);
	}

	sendError(): void {
		this.#sendErrors.inc();
	}

	hookDisabled(hookId: number): void {
		this.#disablements.inc({hook_id: hookLabel(hookId)});
	}

	/** Read the queue from the database now (a scrape does this when the figures are old). */
	async sample(): Promise<void> {
		this.#sampling ??= this.#read().finally(() => {
			this.#sampling = undefined;
		});
		return this.#sampling;
	}

	async #fresh(): Promise<void> {
		if (Date.now() - this.#lastSample < this.#sampleIntervalMs) {
			return;
		}

		let timer: NodeJS.Timeout | undefined;
		await Promise.race([this.sample(), new Promise<void>(resolve => {
			timer = setTimeout(resolve, sampleTimeoutMs);
		})]);
		clearTimeout(timer);
	}

	async #read(): Promise<void> {
		try {
			const sample = await sampleQueue(this.sequelize);
			this.#queue.callbacks.reset();
			for (const {hookId, status, count} of sample.callbacks) {
				this.#queue.callbacks.set({hook_id: hookLabel(hookId), status}, count);
			}

			setHookGauges(this.#queue, sample);
			this.#sampledAt.set(sample.at.getTime() / 1000);
			this.#up = true;
		} catch {
			this.#up = false;
		} finally {
			// A failed read is not tried again on every scrape either.
			this.#lastSample = Date.now();
			this.#databaseUp.set(this.#up ? 1 : 0);
		}
	}
}
