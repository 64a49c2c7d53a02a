import {HttpHooksError, quote} from '../errors.js';

/** One attempt, as the events tell it. */
export type AttemptEvent = {
	callbackId: number;
	/** null for a callback whose hook was deleted. */
	hookId: number | null;
	/** 1 for the first attempt. */
	attempt: number;
	/** The response's status code; null when none came (refused, timeout, connection lost). */
	statusCode: number | null;
	durationMs: number;
	/** What went wrong, when something did (the same text as the attempt row). */
	error: string | null;
	startedAt: Date;
};

/** A failed attempt with a retry scheduled. */
export type FailedEvent = AttemptEvent & {nextAttemptAt: Date};

/** A hook the sender disabled: its endpoint answered 410 Gone or failed too many times in a row. */
export type HookDisabledEvent = {hookId: number; reason: string};

/** A problem the sender survived (the database away, a lease lost…): the same text as its warning. */
export type SendErrorEvent = {message: string; error: string | null};

export type DeliveryEventMap = {
	/** An attempt got a 2xx answer; the callback is `sent`. */
	delivered: AttemptEvent;
	/** An attempt failed and the callback will be tried again at `nextAttemptAt`. */
	failed: FailedEvent;
	/** An attempt failed and was the last one (or the failure is final): the callback is `error`. */
	exhausted: AttemptEvent;
	hookDisabled: HookDisabledEvent;
	sendError: SendErrorEvent;
};

export type DeliveryEventName = keyof DeliveryEventMap;
export type DeliveryListener<Name extends DeliveryEventName> = (event: DeliveryEventMap[Name]) => unknown;

export const deliveryEventNames: readonly DeliveryEventName[] = ['delivered', 'failed', 'exhausted', 'hookDisabled', 'sendError'];

// A listener that keeps throwing is reported once, then at most once a minute (with a count).
const reportEveryMs = 60_000;

/**
 * The handle's delivery events. Listeners are called after the attempt's result is written,
 * each on its own turn of the event loop: a listener that throws (or rejects) is reported
 * through the logger and changes nothing; a slow one is never waited for. With no listener for
 * an event, emitting it costs one lookup.
 */
export class DeliveryEvents {
	readonly #listeners = new Map<DeliveryEventName, Set<(event: unknown) => unknown>>();
	readonly #failures = new Map<DeliveryEventName, {count: number; reportedAt: number}>();

	constructor(private readonly warn: (message: string, error?: unknown) => void) {}

	/** Listen to an event; returns a function that stops listening. */
	on<Name extends DeliveryEventName>(name: Name, listener: DeliveryListener<Name>): () => void {
		if (!deliveryEventNames.includes(name)) {
			throw new HttpHooksError(`Unknown event ${quote(name)}; the events are ${deliveryEventNames.join(', ')}`);
		}

		if (typeof listener !== 'function') {
			throw new HttpHooksError(`The listener of ${quote(name)} must be a function, got ${quote(listener)}`);
		}

		let listeners = this.#listeners.get(name);
		if (!listeners) {
			listeners = new Set();
			this.#listeners.set(name, listeners);
		}

		const wrapped = listener as (event: unknown) => unknown;
		listeners.add(wrapped);
		return () => {
			listeners.delete(wrapped);
		};
	}

	/** Whether anyone listens to this event (the sender builds no event nobody hears). */
	has(name: DeliveryEventName): boolean {
		return (this.#listeners.get(name)?.size ?? 0) > 0;
	}

	emit<Name extends DeliveryEventName>(name: Name, event: DeliveryEventMap[Name]): void {
		const listeners = this.#listeners.get(name);
		if (!listeners || listeners.size === 0) {
			return;
		}

		// Each listener gets its own copy: one cannot change what another sees.
		for (const listener of listeners) {
			setImmediate(() => {
				try {
					const returned = listener({...event});
					if (returned instanceof Promise) {
						returned.catch((error: unknown) => this.#failed(name, error));
					}
				} catch (error) {
					this.#failed(name, error);
				}
			});
		}
	}

	#failed(name: DeliveryEventName, error: unknown): void {
		const now = Date.now();
		const entry = this.#failures.get(name) ?? {count: 0, reportedAt: Number.NEGATIVE_INFINITY};
		entry.count++;
		this.#failures.set(name, entry);
		if (now - entry.reportedAt >= reportEveryMs) {
			const times = entry.count === 1 ? '' : ` (${entry.count} times since the last report)`;
			entry.reportedAt = now;
			entry.count = 0;
			this.warn(`a listener of the ${quote(name)} event threw${times}; delivery goes on`, error);
		}
	}
}
