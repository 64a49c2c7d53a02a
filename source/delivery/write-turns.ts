/**
 * One write at a time, urgent ones first. A sender on SQLite sends its writes through this: two
 * at once would only contend for the one file lock, and SQLite's busy handler sleeps while it
 * waits. Claims go first (they keep requests going); results can wait a moment.
 */
export class WriteTurns {
	readonly #waiting: Array<() => void> = [];
	#busy = false;

	async run<T>(write: () => Promise<T>, {urgent = false} = {}): Promise<T> {
		return new Promise<T>((resolve, reject) => {
			const turn = () => {
				write().then(resolve, reject).finally(() => {
					this.#busy = false;
					this.#next();
				});
			};

			if (urgent) {
				this.#waiting.unshift(turn);
			} else {
				this.#waiting.push(turn);
			}

			this.#next();
		});
	}

	#next(): void {
		const turn = this.#busy ? undefined : this.#waiting.shift();
		if (turn) {
			this.#busy = true;
			turn();
		}
	}
}

/** No turns: every write runs at once (PostgreSQL's row locks keep writers apart). */
export const noTurns = {
	async run<T>(write: () => Promise<T>): Promise<T> {
		return write();
	},
};
