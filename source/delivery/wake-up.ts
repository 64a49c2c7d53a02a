import {QueryTypes, type Sequelize} from 'sequelize';
import {listen, type Listener} from '../store/pg-listener.js';

export const readyChannel = 'http_callbacks_ready';

export type WakeUp = {
	/** Resolve at the next notification, poll tick or stop; at once if one came since the last wait. */
	wait(): Promise<void>;
	close(): Promise<void>;
};

/**
 * What wakes a `--watch` sender: on PostgreSQL a LISTEN on `http_callbacks_ready` (a trigger
 * notifies on every insert into http_callbacks); everywhere a poll timer, the backstop that also
 * finds retries coming due and callbacks put back in the queue by hand.
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
	if (sequelize.getDialect() === 'postgres') {
		const [row] = await sequelize.query<{schema: string}>('SELECT current_schema() AS schema', {type: QueryTypes.SELECT});
		listener = await listen(sequelize, readyChannel, payload => {
			if (!payload || payload === row?.schema) {
				ring();
			}
		}, error => warn('lost the connection listening for new callbacks; polling continues', error)).catch(error => {
			warn('could not LISTEN for new callbacks; polling instead', error);
			return undefined;
		});
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
			signal?.removeEventListener('abort', ring);
			waiting?.();
			await listener?.close();
		},
	};
}
