import type {Sequelize} from 'sequelize';
import {fromDatabase, type Outage} from './outage.js';
import {recordResults, type Finished} from './record-results.js';
import type {WriteTurns} from './write-turns.js';

type Settings = {
	sequelize: Sequelize;
	worker: string;
	batchSize: number;
	turns: Pick<WriteTurns, 'run'>;
	outage: Outage;
	/** True while a failed write is tried again without end (a watching run that is not stopping). */
	persistent(): boolean;
	/** After each batch is written: which of its callbacks this sender still held. */
	onWritten(batch: Finished[], applied: Set<number>): void;
};

// Without `persistent`: tries of one write, and the waits between them (about 5 s in all).
const tries = 4;
const retryDelayMs = (attempt: number) => 250 * (4 ** (attempt - 1));

/**
 * Writes finished attempts as soon as they come, one write at a time: what finishes while a
 * write is under way goes with the next one (up to a batch), so a result waits for at most one
 * write before its own. A result not written yet is a request that a crash makes the next
 * sender repeat; the fewer wait, the fewer duplicates. A watching run keeps its results through
 * an outage of any length and writes them when the database is back; otherwise a write that
 * keeps failing is fatal to the run, and its callbacks stay leased until another sender takes
 * them over.
 */
export class ResultWriter {
	readonly #pending: Finished[] = [];
	#inWrite = 0;
	#writing: Promise<void> | undefined;
	#fatal: unknown;
	#waiters: Array<() => void> = [];

	constructor(private readonly settings: Settings) {}

	/** The error that stopped writing, if any. */
	get fatal(): unknown {
		return this.#fatal;
	}

	/** Results finished and not written yet (waiting, or in the write under way). */
	get unwritten(): number {
		return this.#pending.length + this.#inWrite;
	}

	add(finished: Finished): void {
		this.#pending.push(finished);
		this.#start();
	}

	/** Resolve once fewer than `limit` results are unwritten, or writing has stopped for good. */
	async room(limit: number): Promise<void> {
		while (this.unwritten >= limit && this.#fatal === undefined) {
			await new Promise<void>(resolve => {
				this.#waiters.push(resolve);
			});
		}
	}

	/** Write everything still pending. */
	async drain(): Promise<void> {
		while ((this.#pending.length > 0 || this.#writing) && this.#fatal === undefined) {
			this.#start();
			await this.#writing;
		}
	}

	#start(): void {
		if (!this.#writing && this.#pending.length > 0 && this.#fatal === undefined) {
			this.#writing = this.#writeAll().finally(() => {
				this.#writing = undefined;
				this.#wake();
			});
		}
	}

	#wake(): void {
		for (const waiter of this.#waiters.splice(0)) {
			waiter();
		}
	}

	async #writeAll(): Promise<void> {
		while (this.#pending.length > 0 && this.#fatal === undefined) {
			const batch = this.#pending.splice(0, this.settings.batchSize);
			this.#inWrite = batch.length;
			try {
				await this.#write(batch);
			} finally {
				this.#inWrite = 0;
			}

			this.#wake();
		}
	}

	async #write(batch: Finished[]): Promise<void> {
		const {sequelize, worker, turns, outage} = this.settings;
		for (let attempt = 1; ; attempt++) {
			try {
				const applied = await turns.run(async () => recordResults(sequelize, worker, batch));
				outage.ok();
				this.settings.onWritten(batch, applied);
				return;
			} catch (error) {
				const wait = outage.failed(`writing ${batch.length} result(s)`, error);
				if (this.settings.persistent() && fromDatabase(error)) {
					attempt = 0;
					await outage.pause(wait);
					continue;
				}

				if (attempt >= tries || !fromDatabase(error)) {
					this.#fatal ??= error;
					return;
				}

				await outage.pause(retryDelayMs(attempt));
			}
		}
	}
}
