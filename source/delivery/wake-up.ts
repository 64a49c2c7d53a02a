import {QueryTypes, type Sequelize} from 'sequelize';
import {dialectOf} from '../store/dialects/index.js';
import {listen, type Listener} from '../store/pg-listener.js';

export const readyChannel = 'http_callbacks_ready';

export type WakeUp = {
	/** Resolve at the next notification, poll tick or stop; at once if one came since the last wait. */
	wait(): Promise<void>;
	close(): Promise<void>;
};

// Tries to LISTEN again after a lost connection: doubling waits, at most this far apart.
const relistenMaxMs = 2000;

/**
 * What wakes a `--watch` sender: on PostgreSQL a LISTEN on `http_callbacks_ready` (a trigger
 * notifies on every insert into http_callbacks); everywhere a poll timer, the backstop that also
 * finds retries coming due and callbacks put back in the queue by hand. A LISTEN connection
 * that is lost (or could not be made) is made again as soon as the database lets it, and the
 * sender looks for work at once then, for what came while nobody listened.
 */
export async function wakeUp(sequelize: Sequelize, {pollIntervalMs, signal, warn}: {pollIntervalMs: number; signal?: AbortSignal; warn(message: string, error?: unknown): void}): Promise<WakeUp> {
	let pending = false;
	let waiting: (() => void) | undefined;
	const ring = () => {
		pending = true;
		waiting?.();
	};

	signal?.addEventListener('abort', ring);
	let listener: Listener | undefined;
	let closed = false;
	let retry: NodeJS.Timeout | undefined;
	// Which connection is current: an error of an older one is old news.
	let generation = 0;
	let schema: string | undefined;

	const connect = async (failures: number): Promise<void> => {
		const mine = ++generation;
		try {
			if (schema === undefined) {
				const [row] = await sequelize.query<{schema: string}>('SELECT current_schema() AS schema', {type: QueryTypes.SELECT});
				schema = row?.schema ?? '';
			}

			const next = await listen(sequelize, readyChannel, payload => {
				if (!payload || payload === schema) {
					ring();
				}
			}, error => lost(mine, error));
			if (closed || mine !== generation) {
				await next.close();
				return;
			}

			listener = next;
			if (failures > 0) {
				warn('listening for new callbacks again');
				ring();
			}
		} catch (error) {
			if (failures === 0) {
				warn('could not LISTEN for new callbacks; polling until it can', error);
			}

			later(failures + 1);
		}
	};

	const later = (failures: number) => {
		if (!closed) {
			clearTimeout(retry);
			retry = setTimeout(() => void connect(failures), Math.min(relistenMaxMs, 100 * (2 ** Math.min(failures, 10))));
		}
	};

	const lost = (mine: number, error: Error) => {
		if (closed || mine !== generation || !listener) {
			return;
		}

		const old = listener;
		listener = undefined;
		void old.close();
		warn('lost the connection listening for new callbacks; polling until it is back', error);
		later(1);
	};

	if (dialectOf(sequelize).notifications) {
		await connect(0);
	}

	return {
		async wait() {
			if (!pending && !signal?.aborted) {
				await new Promise<void>(resolve => {
					const timer = setTimeout(ring, pollIntervalMs);
					waiting = () => {
						clearTimeout(timer);
						resolve();
					};
				});
				waiting = undefined;
			}

			pending = false;
		},
		async close() {
			closed = true;
			clearTimeout(retry);
			signal?.removeEventListener('abort', ring);
			waiting?.();
			await listener?.close();
		},
	};
}
