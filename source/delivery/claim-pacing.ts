import {setTimeout as sleep} from 'node:timers/promises';
import type {FairShare} from './fair-share.js';
import type {WakeUp} from './wake-up.js';

// A claim that leaves out the hooks a run holds a batch of, and found nothing else, is not
// repeated sooner: it steps over their due callbacks in the index, which costs with a backlog.
const fullRetryMs = 1000;

/**
 * When a sender claims again, beyond "the queue runs low": hooks it holds a whole batch of are
 * left out of its claims (so other hooks' callbacks get in), and after a claim that found nothing
 * it waits while hooks' limits hold due callbacks back (until a token is due, or room under a
 * cap may be) or while the hooks left out still have their batch queued.
 */
export class ClaimPacing {
	#lastEmpty = Number.NEGATIVE_INFINITY;

	constructor(private readonly queue: FairShare, private readonly pollIntervalMs: number) {}

	/** The hooks to leave out of the next claim; undefined after a wait, when it is not time to claim yet. */
	async leaveOut(): Promise<number[] | undefined> {
		const full = this.queue.full();
		if (full.length === 0 || Date.now() - this.#lastEmpty >= fullRetryMs) {
			return full;
		}

		await Promise.race([this.queue.roomFor(full) ? undefined : this.queue.changed(), sleep(fullRetryMs / 10)]);
		return undefined;
	}

	/**
	 * After a claim that left out `full` and found nothing: wait if something is held back (by a
	 * limit, `retryInMs`, or as full) and say true (claim again), else false at once.
	 */
	async afterEmpty(full: number[], retryInMs: number | undefined, wake: WakeUp | undefined): Promise<boolean> {
		if (full.length > 0) {
			this.#lastEmpty = Date.now();
		}

		if (retryInMs === undefined && full.length === 0) {
			return false;
		}

		const pause = sleep(Math.min(retryInMs ?? fullRetryMs, this.pollIntervalMs));
		await Promise.race(wake ? [pause, wake.wait()] : [pause]);
		return true;
	}
}
