import {QueryTypes, type Sequelize} from 'sequelize';
import {listen, type Listener} from '../store/pg-listener.js';

export type ReloadWatcher = {stop(): Promise<void>};

/**
 * Call `reload` whenever hooks or signals change anywhere. The triggers of http_hooks_state
 * move a version on every change: it is polled on a timer (every dialect, the backstop), and on
 * PostgreSQL a LISTEN on `http_hooks_changed` reloads at once.
 */
export async function watchForReload(sequelize: Sequelize, reload: () => Promise<void>, {intervalMs, warn}: {intervalMs: number; warn(message: string, error?: unknown): void}): Promise<ReloadWatcher> {
	let version = await readVersion(sequelize);
	let running: Promise<void> | undefined;
	let stopped = false;

	const check = async () => {
		if (stopped || running) {
			return;
		}

		running = (async () => {
			const current = await readVersion(sequelize);
			if (current !== version) {
				version = current;
				await reload();
			}
		})().catch(error => {
			// The app closed its Sequelize instance without closing the handle: stop quietly.
			if (/closed/i.test(String((error as Error).message))) {
				stopped = true;
				clearInterval(timer);
				return;
			}

			warn('could not reload hooks', error);
		}).finally(() => {
			running = undefined;
		});
		await running;
	};

	const timer = setInterval(check, intervalMs);
	timer.unref();

	let listener: Listener | undefined;
	if (sequelize.getDialect() === 'postgres') {
		const schema = await currentSchema(sequelize);
		listener = await listen(sequelize, 'http_hooks_changed', payload => {
			if (!payload || payload === schema) {
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
