import type {Sequelize} from 'sequelize';
import {countRemaining} from './count-remaining.js';
import type {SendProgress} from './send-options.js';

type Source = {
	counts(): Pick<SendProgress, 'claimed' | 'sent' | 'retrying' | 'retryingNow' | 'failed' | 'inFlight'>;
	/** Callbacks claimed and not written yet. */
	held(): number;
	/** Callback ids still to claim (a resend), or undefined to count the due ones. */
	idsLeft(): number | undefined;
	cutoff(): Date;
};

const reportIntervalMs = 250;
const recountIntervalMs = 2000;

/**
 * Reports a run's progress a few times a second. `remaining` comes from a count of the due
 * callbacks every few seconds (index-backed), less what finished since.
 */
export class ProgressMeter {
	readonly #started = Date.now();
	readonly #timers: NodeJS.Timeout[] = [];
	#remaining: number | undefined;
	#finishedAtCount = 0;
	#counting = false;

	constructor(private readonly sequelize: Sequelize, private readonly source: Source, private readonly hookId: number | undefined, private readonly onProgress: (progress: SendProgress) => void, private readonly warn: (message: string, error?: unknown) => void) {}

	async start(): Promise<void> {
		this.#timers.push(setInterval(() => this.report(), reportIntervalMs), setInterval(() => void this.#recount(), recountIntervalMs));
		await this.#recount();
	}

	stop(): void {
		for (const timer of this.#timers) {
			clearInterval(timer);
		}
	}

	report(): void {
		const counts = this.source.counts();
		const finished = counts.sent + counts.retrying + counts.failed;
		const elapsedMs = Date.now() - this.#started;
		try {
			this.onProgress({
				...counts,
				elapsedMs,
				remaining: this.#remaining === undefined ? undefined : Math.max(0, this.#remaining - (finished - this.#finishedAtCount)),
				perSecond: elapsedMs > 0 ? finished / (elapsedMs / 1000) : 0,
			});
		} catch (error) {
			this.warn('onProgress threw', error);
		}
	}

	async #recount(): Promise<void> {
		if (this.#counting) {
			return;
		}

		this.#counting = true;
		try {
			const counts = this.source.counts();
			const finished = counts.sent + counts.retrying + counts.failed;
			const waiting = this.source.idsLeft() ?? await countRemaining(this.sequelize, {hookId: this.hookId, cutoff: this.source.cutoff()});
			this.#remaining = waiting + this.source.held();
			this.#finishedAtCount = finished;
		} catch {
			// Only the progress line needs it.
		} finally {
			this.#counting = false;
		}
	}
}
