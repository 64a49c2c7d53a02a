import {setTimeout as sleep} from 'node:timers/promises';
import {BaseError} from 'sequelize';

// Waits between tries while the database is away: doubling from the first, never above the cap,
// so that a sender resumes within a couple of seconds of the database coming back.
const firstDelayMs = 100;
export const maxDelayMs = 2000;

/**
 * Whether an error came from the database (or the way to it): worth trying again once it is back.
 * Any other error is a defect that trying again would only repeat.
 */
export function fromDatabase(error: unknown): boolean {
	return error instanceof BaseError;
}

/**
 * Whether a run can reach its database, as its calls find out. A failure after success and a
 * success after failures are each said once (not once per try), and every caller waits the same
 * growing delay before trying again.
 */
export class Outage {
	#since: number | undefined;
	#failures = 0;

	constructor(private readonly warn: (message: string, error?: unknown) => void, private readonly held: () => number) {}

	get down(): boolean {
		return this.#since !== undefined;
	}

	/** A database call failed: say so if it is the first failure, and return how long to wait. */
	failed(what: string, error: unknown): number {
		this.#failures++;
		if (this.#since === undefined) {
			this.#since = Date.now();
			this.warn(`the database is unavailable (${what}); trying again every ${maxDelayMs / 1000} s at most, results are kept until they can be written`, error);
		}

		return Math.min(maxDelayMs, firstDelayMs * (2 ** Math.min(this.#failures - 1, 16)));
	}

	/** A database call succeeded: say so if it ends an outage. */
	ok(): void {
		if (this.#since !== undefined) {
			const seconds = ((Date.now() - this.#since) / 1000).toFixed(1);
			this.warn(`the database is available again after ${seconds} s; resuming with ${this.held()} claimed callback(s) held`);
		}

		this.#since = undefined;
		this.#failures = 0;
	}

	/** Wait `ms`, or less if `signal` aborts. */
	async pause(ms: number, signal?: AbortSignal): Promise<void> {
		await sleep(ms, undefined, {signal}).catch(() => undefined);
	}
}
