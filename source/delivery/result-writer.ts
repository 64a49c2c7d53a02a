import type {Sequelize} from 'sequelize';
import {recordResults, type Finished} from './record-results.js';
import type {WriteTurns} from './write-turns.js';

type Settings = {
	sequelize: Sequelize;
	worker: string;
	batchSize: number;
	turns: Pick<WriteTurns, 'run'>;
	warn(message: string, error?: unknown): void;
	/** After each batch is written: which of its callbacks this sender still held. */
	onWritten(batch: Finished[], applied: Set<number>): void;
};

// Results wait at most this long for company before they are written.
const flushDelayMs = 250;
const tries = 4;

/**
 * Collects finished attempts and writes them in batches, one write at a time: a full batch at
 * once, a partial one after a short delay. A write that keeps failing is fatal to the run; its
 * callbacks stay leased, so once the run is gone another sends them again.
 */
export class ResultWriter {
	#pending: Finished[] = [];
	#writing: Promise<void> | undefined;
	#timer: NodeJS.Timeout | undefined;
	#fatal: unknown;

	constructor(private readonly settings: Settings) {}

	/** The error that stopped writing, if any. */
	get fatal(): unknown {
		return this.#fatal;
	}

	add(finished: Finished): void {
		this.#pending.push(finished);
		this.#schedule();
	}

	/** Write what is pending now rather than after the short delay. */
	flushNow(): void {
		if (this.#pending.length > 0) {
			void this.#flush();
		}
	}

	/** Write everything still pending. */
	async drain(): Promise<void> {
		clearTimeout(this.#timer);
		this.#timer = undefined;
		while ((this.#pending.length > 0 || this.#writing) && this.#fatal === undefined) {
			await this.#flush();
		}
	}

	close(): void {
		clearTimeout(this.#timer);
	}

	#schedule(): void {
		if (this.#pending.length >= this.settings.batchSize) {
			void this.#flush();
		} else {
			this.#timer ??= setTimeout(() => void this.#flush(), flushDelayMs);
		}
	}

	async #flush(): Promise<void> {
		clearTimeout(this.#timer);
		this.#timer = undefined;
		if (this.#writing) {
			// One write at a time; what comes in meanwhile goes with the next.
			await this.#writing;
			return;
		}

		const batch = this.#pending.splice(0, this.settings.batchSize);
		if (batch.length === 0 || this.#fatal !== undefined) {
			return;
		}

		this.#writing = this.#write(batch).finally(() => {
			this.#writing = undefined;
		});
		await this.#writing;
		if (this.#pending.length > 0) {
			this.#schedule();
		}
	}

	async #write(batch: Finished[]): Promise<void> {
		const {sequelize, worker, turns, warn} = this.settings;
		for (let attempt = 1; ; attempt++) {
			try {
				const applied = await turns.run(async () => recordResults(sequelize, worker, batch));
				this.settings.onWritten(batch, applied);
				return;
			} catch (error) {
				if (attempt >= tries) {
					this.#fatal ??= error;
					return;
				}

				warn(`could not write ${batch.length} results (try ${attempt} of ${tries})`, error);
				await new Promise(resolve => setTimeout(resolve, 250 * (4 ** (attempt - 1))));
			}
		}
	}
}
