import {QueryTypes, type Sequelize} from 'sequelize';
import {dialectOf} from '../store/dialects/index.js';
import {listen, type Listener} from '../store/pg-listener.js';

export type ReloadWatcher = {stop(): Promise<void>};

// A failed reload is tried again after the interval, then twice as long each time up to this:
// short, so that hook changes still arrive within seconds of the database coming back.
const maxBackoffMs = 5000;
// While reloads keep failing, a warning at most this often (the first failure always warns).
const warnEveryMs = 60_000;

/**
 * Call `reload` whenever hooks or signals change anywhere. The triggers of http_hooks_state
 * move a version on every change: it is polled on a timer (every dialect, the backstop; the only
 * way on SQLite and MySQL), and on PostgreSQL a LISTEN on `http_hooks_changed` reloads at once.
 */
export async function watchForReload(sequelize: Sequelize, reload: () => Promise<void>, {intervalMs, warn}: {intervalMs: number; warn(message: string, error?: unknown): void}): Promise<ReloadWatcher> {
	let version = await readVersion(sequelize);
	let running: Promise<void> | undefined;
	let stopped = false;
	// After a failed reload: how many in a row, and no new try before `retryAt` (backoff).
	let failures = 0;
	let retryAt = 0;
	let warnedAt = 0;

	const check = async () => {
		if (stopped || running || Date.now() < retryAt) {
			return;
		}

		running = (async () => {
			const current = await readVersion(sequelize);
			// The version is taken as seen only once the reload worked: a failed one is tried again.
			if (current !== version || failures > 0) {
				await reload();
				version = current;
			}

			if (failures > 0) {
				warn(`hooks reloaded again after ${failures} failed ${failures === 1 ? 'try' : 'tries'}`);
			}

			failures = 0;
			retryAt = 0;
		})().catch(error => {
			// Only close() stops the watcher: whatever failed (the database away, the app's
			// instance closed), it keeps trying, less often, and says so now and then.
			failures++;
			const delay = Math.min(maxBackoffMs, intervalMs * (2 ** Math.min(failures - 1, 16)));
			retryAt = Date.now() + delay;
			if (!stopped && (failures === 1 || Date.now() - warnedAt >= warnEveryMs)) {
				warnedAt = Date.now();
				warn(`could not reload hooks (${failures} ${failures === 1 ? 'try' : 'tries'}); trying again in ${Math.ceil(delay / 1000)} s`, error);
			}
		}).finally(() => {
			running = undefined;
		});
		await running;
	};

	const timer = setInterval(check, intervalMs);
	timer.unref();

	let listener: Listener | undefined;
	if (dialectOf(sequelize).notifications) {
		const schema = await currentSchema(sequelize);
		listener = await listen(sequelize, 'http_hooks_changed', payload => {
			if (!payload || payload === schema) {
				// A notification is news: it may try at once, whatever the backoff said.
				retryAt = 0;
				void check();
			}
		}, error => warn('lost the connection listening for hook changes; polling continues', error)).catch(error => {
			warn('could not LISTEN for hook changes; polling instead', error);
			return undefined;
		});
	}

	return {
		async stop() {
			stopped = true;
			clearInterval(timer);
			await running;
			await listener?.close();
		},
	};
}

async function readVersion(sequelize: Sequelize): Promise<number> {
	const rows = await sequelize.query<{version: number}>('SELECT version FROM http_hooks_state WHERE id = 1', {type: QueryTypes.SELECT, logging: false});
	return Number(rows[0]?.version ?? 0);
}

async function currentSchema(sequelize: Sequelize): Promise<string | undefined> {
	const rows = await sequelize.query<{schema: string}>('SELECT current_schema() AS schema', {type: QueryTypes.SELECT, logging: false});
	return rows[0]?.schema;
}
