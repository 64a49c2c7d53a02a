import type {ClaimedCallback} from '../delivery/claim.js';
import type {AttemptResult, OutgoingRequest} from '../delivery/http-client.js';
import type {Finished} from '../delivery/record-results.js';
import type {DeliveryEvents} from './delivery-events.js';
import type {AttemptOutcome, DeliveryMetrics} from './delivery-metrics.js';
import type {AttemptTracing} from './tracing.js';

/** What a warning is about, beside its text. */
export type WarnFields = {hookId?: number; callbackIds?: number[]};

export type Warn = (message: string, error?: unknown, fields?: WarnFields) => void;

type Parts = {
	warn: Warn;
	events?: DeliveryEvents;
	/** Loaded only when the app asked for metrics: prom-client stays out of other processes. */
	metrics?: DeliveryMetrics;
	tracing?: AttemptTracing;
};

const outcomes = {sent: 'delivered', waiting: 'failed', error: 'exhausted'} as const satisfies Record<string, AttemptOutcome>;

function describe(error: unknown): string | null {
	if (error === undefined || error === null) {
		return null;
	}

	return error instanceof Error ? error.message : String(error);
}

/**
 * What a run of the sender tells the world: its warnings (through the handle's logger, and as
 * `sendError` events), each written attempt (events and metrics), claims, requests in flight,
 * hooks disabled, and a span per attempt. The sender calls it in a few places; each part is
 * optional and costs nothing when absent. A listener or a metric that fails never reaches the
 * sender.
 */
export class DeliveryObserver {
	constructor(private readonly parts: Parts) {}

	/** A problem the run survived: logged, counted, and a `sendError` event. */
	readonly warn = (message: string, error?: unknown, fields?: WarnFields): void => {
		this.parts.warn(message, error, fields);
		this.parts.metrics?.sendError();
		this.parts.events?.emit('sendError', {message, error: describe(error)});
	};

	claimed(count: number): void {
		this.parts.metrics?.claimed(count);
	}

	/** Send one request: counted in flight, and traced when OpenTelemetry is there. */
	async send(callback: ClaimedCallback, request: OutgoingRequest, send: (request: OutgoingRequest) => Promise<AttemptResult>): Promise<AttemptResult> {
		const {metrics, tracing} = this.parts;
		metrics?.inFlight(1);
		try {
			return await (tracing ? tracing.send(callback, request, send) : send(request));
		} finally {
			metrics?.inFlight(-1);
		}
	}

	/**
	 * A batch of attempts is written. Every attempt is counted; events are told for those whose
	 * result stands (a callback taken over by another sender is that sender's to tell).
	 */
	written(batch: Finished[], applied: Set<number>): void {
		const {metrics, events} = this.parts;
		for (const {id, hookId = null, attempt, result, outcome} of batch) {
			const name: AttemptOutcome = outcomes[outcome.status] ?? 'exhausted';
			metrics?.attempt(hookId, name, result.statusCode, result.durationMs);
			if (events?.has(name) && applied.has(id)) {
				const event = {callbackId: id, hookId, attempt, statusCode: result.statusCode, durationMs: result.durationMs, error: result.error, startedAt: result.startedAt};
				if (name === 'failed') {
					events.emit(name, {...event, nextAttemptAt: outcome.nextAttemptAt ?? new Date()});
				} else {
					events.emit(name, event);
				}
			}
		}
	}

	/** A hook is disabled for its endpoint; `now`: by this run (else another sender did it first). */
	disabled(hookId: number, reason: string, now: boolean): void {
		if (!now) {
			return;
		}

		this.parts.warn(`hook ${hookId} disabled: ${reason}; enable it again to resume its waiting callbacks`, undefined, {hookId});
		this.parts.metrics?.hookDisabled(hookId);
		this.parts.events?.emit('hookDisabled', {hookId, reason});
	}
}
