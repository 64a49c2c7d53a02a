import type {ClaimedCallback} from './claim.js';

/** How a sender's slots are shared between hooks. */
export type FairShareSettings = {
	/** Requests in flight at once in this sender (its concurrency). */
	slots: number;
	/** Callbacks of one hook queued here that make it "full": claims leave it out until it runs low. */
	fullAt: number;
	/** A hook whose requests took this long lately (on average) is slow. */
	slowMs: number;
	clock?: () => number;
};

type Key = number | null;

type Lane = {queued: ClaimedCallback[]; running: number; seenAt: number; averageMs: number | undefined};

// A hook is counted as having work this long after it last had a callback queued or in flight,
// so that a hook whose callbacks come one by one keeps its share between them.
const activeWindowMs = 2000;
// Weight of the newest duration in a hook's running average.
const alpha = 0.3;
// Requests that took this long on average (or half the timeout, if less) make their hook slow.
const slowMs = 5000;

/** How long requests must take on average to make their hook slow, with this timeout. */
export function slowMsFor(timeoutMs: number): number {
	return Math.min(timeoutMs / 2, slowMs);
}

// A slow hook gets this share of the slots (at least one) while other hooks have work.
const slowShare = 0.1;

/**
 * The callbacks a sender has claimed and not started yet, by hook, and the requests each hook
 * has in flight. Slots are taken round-robin across hooks, and while several hooks have work
 * none takes more than its share: an equal part of the slots, and for a slow hook (one whose
 * requests lately took `slowMs` or more on average and twice as long as the fastest hook's, e.g.
 * an endpoint that hangs until the timeout) a tenth of them, at least one. A hook alone takes every slot. So one endpoint that
 * hangs or crawls never holds all of a sender's slots while other hooks wait.
 */
export class FairShare {
	readonly #lanes = new Map<Key, Lane>();
	readonly #clock: () => number;
	#length = 0;
	#cursor = 0;
	#wake: (() => void) | undefined;
	#changed: Promise<void> | undefined;

	constructor(private readonly settings: FairShareSettings) {
		this.#clock = settings.clock ?? Date.now;
	}

	/** Callbacks queued, not started. */
	get length(): number {
		return this.#length;
	}

	push(callbacks: ClaimedCallback[]): void {
		const now = this.#clock();
		for (const callback of callbacks) {
			const lane = this.#lane(callback.hookId);
			lane.queued.push(callback);
			lane.seenAt = now;
		}

		this.#length += callbacks.length;
		this.#ring();
	}

	/** The next callback to start, round-robin over hooks below their share; undefined when none may start now. */
	take(): ClaimedCallback | undefined {
		const keys = [...this.#lanes.keys()];
		const shares = this.#shares();
		for (let step = 0; step < keys.length; step++) {
			const index = (this.#cursor + step) % keys.length;
			const lane = this.#lanes.get(keys[index]!)!;
			if (lane.queued.length > 0 && lane.running < shares.get(keys[index]!)!) {
				this.#cursor = index + 1;
				lane.running++;
				this.#length--;
				lane.seenAt = this.#clock();
				this.#ring();
				return lane.queued.shift();
			}
		}

		return undefined;
	}

	/** A started callback is done (sent or given back); `durationMs` when a request went out. */
	finished(hookId: Key, durationMs?: number): void {
		const lane = this.#lane(hookId);
		lane.running = Math.max(0, lane.running - 1);
		lane.seenAt = this.#clock();
		if (durationMs !== undefined) {
			lane.averageMs = lane.averageMs === undefined ? durationMs : (alpha * durationMs) + ((1 - alpha) * lane.averageMs);
		}

		this.#ring();
	}

	/** The ids of the queued callbacks. */
	ids(): number[] {
		return [...this.#lanes.values()].flatMap(lane => lane.queued.map(callback => callback.id));
	}

	/** Take these callbacks out of the queue (cancelled while they waited); returns those found. */
	remove(ids: Set<number>): ClaimedCallback[] {
		const removed: ClaimedCallback[] = [];
		for (const lane of this.#lanes.values()) {
			const kept = lane.queued.filter(callback => !ids.has(callback.id));
			removed.push(...lane.queued.filter(callback => ids.has(callback.id)));
			lane.queued = kept;
		}

		this.#length -= removed.length;
		this.#ring();
		return removed;
	}

	/** Every queued callback, taken out (to give back). */
	drain(): ClaimedCallback[] {
		const all = [...this.#lanes.values()].flatMap(lane => lane.queued.splice(0));
		this.#length = 0;
		this.#ring();
		return all;
	}

	/** Hooks holding a whole batch queued here already: the next claim leaves them out. */
	full(): number[] {
		return [...this.#lanes].filter(([key, lane]) => key !== null && lane.queued.length >= this.settings.fullAt).map(([key]) => key!);
	}

	/** Whether any of these hooks has run low (fewer than a batch queued). */
	roomFor(hookIds: number[]): boolean {
		return hookIds.some(hookId => (this.#lanes.get(hookId)?.queued.length ?? 0) < this.settings.fullAt);
	}

	/** Callbacks queued of hooks that are not full: when few are left, it is time to claim more. */
	get unfull(): number {
		let count = 0;
		for (const [key, lane] of this.#lanes) {
			if (key === null || lane.queued.length < this.settings.fullAt) {
				count += lane.queued.length;
			}
		}

		return count;
	}

	/** Resolves at the next change: a callback queued, started or finished. */
	async changed(): Promise<void> {
		this.#changed ??= new Promise<void>(resolve => {
			this.#wake = resolve;
		});
		return this.#changed;
	}

	/** Each hook's share of the slots now (see the class). */
	#shares(): Map<Key, number> {
		const {slots, slowMs} = this.settings;
		const now = this.#clock();
		const active = [...this.#lanes].filter(([, lane]) => lane.queued.length > 0 || lane.running > 0 || now - lane.seenAt < activeWindowMs);
		const shares = new Map<Key, number>();
		if (active.length <= 1) {
			for (const key of this.#lanes.keys()) {
				shares.set(key, slots);
			}

			return shares;
		}

		// Slow: slower than `slowMs` and at least twice as slow as the fastest hook with work (on a
		// starved machine every hook is slow in absolute terms; the one that hangs still stands out).
		// A hook without finished requests yet counts as fast.
		const fastest = Math.min(...active.map(([, lane]) => lane.averageMs ?? 0));
		const slow = (lane: Lane) => lane.averageMs !== undefined && lane.averageMs >= slowMs && lane.averageMs >= 2 * fastest;
		const slowCount = active.filter(([, lane]) => slow(lane)).length;
		const slowSlots = Math.max(1, Math.floor(slots * slowShare));
		const normalSlots = Math.max(1, Math.ceil((slots - (slowCount * slowSlots)) / Math.max(1, active.length - slowCount)));
		for (const [key, lane] of this.#lanes) {
			shares.set(key, slow(lane) ? slowSlots : normalSlots);
		}

		return shares;
	}

	#lane(key: Key): Lane {
		let lane = this.#lanes.get(key);
		if (!lane) {
			lane = {queued: [], running: 0, seenAt: this.#clock(), averageMs: undefined};
			this.#lanes.set(key, lane);
		}

		return lane;
	}

	#ring(): void {
		const wake = this.#wake;
		this.#wake = undefined;
		this.#changed = undefined;
		wake?.();
	}
}
