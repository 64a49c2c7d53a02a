import {QueryTypes, type Sequelize} from 'sequelize';
import {fromDatabase, type Outage} from './outage.js';
import type {Finished} from './record-results.js';
import type {WriteTurns} from './write-turns.js';
import {dialectOf, withTimes} from '../store/dialects/index.js';

type Settings = {
	sequelize: Sequelize;
	/** Failed attempts in a row that disable a hook. */
	disableAfterFailures: number;
	turns: Pick<WriteTurns, 'run'>;
	warn(message: string, error?: unknown): void;
	outage: Outage;
	/** True while a failed update is tried again without end (a watching run that is not stopping). */
	persistent(): boolean;
	/** A hook is disabled (`now`: by this update; else it already was), with the reason. */
	onDisabled(hookId: number, reason: string, now: boolean): void;
};

type Tally = {gone: boolean; success: boolean; trailing: number; last: string};

function describe(finished: Finished): string {
	const {statusCode, error} = finished.result;
	return statusCode === null ? (error ?? 'no response').slice(0, 200) : `HTTP ${statusCode}`;
}

/** Per hook, in the order the attempts finished: gone?, any success, failures since the last success. */
function tally(batch: Finished[]): Map<number, Tally> {
	const hooks = new Map<number, Tally>();
	for (const finished of batch) {
		if (finished.hookId === undefined || finished.hookId === null) {
			continue;
		}

		const entry = hooks.get(finished.hookId) ?? {gone: false, success: false, trailing: 0, last: ''};
		hooks.set(finished.hookId, entry);
		const {statusCode} = finished.result;
		if (statusCode !== null && statusCode >= 200 && statusCode < 300) {
			entry.success = true;
			entry.trailing = 0;
		} else {
			entry.trailing++;
			entry.last = describe(finished);
			entry.gone ||= statusCode === 410;
		}
	}

	return hooks;
}

/**
 * Endpoint health: counts each hook's failed attempts in a row (in `http_hook_health`, not on
 * the hook: a change of `http_hooks` makes every process reload its hooks) and disables a hook
 * whose endpoint answered 410 Gone or failed `disableAfterFailures` times in a row, storing why
 * and when. Its waiting callbacks stay waiting until the hook is enabled again.
 */
export class EndpointHealth {
	#chain: Promise<void> = Promise.resolve();

	constructor(private readonly settings: Settings) {}

	/** Count a written batch of attempts; the writes happen in the background, in order. */
	record(batch: Finished[]): void {
		const hooks = tally(batch);
		if (hooks.size > 0) {
			this.#chain = this.#chain.then(async () => this.#applyUntilDone(hooks));
		}
	}

	/** Wait for the writes of everything recorded so far. */
	async drain(): Promise<void> {
		await this.#chain;
	}

	/** A watching run keeps the counts through an outage; another run gives up with a warning. */
	async #applyUntilDone(hooks: Map<number, Tally>): Promise<void> {
		const {turns, outage, persistent, warn} = this.settings;
		for (;;) {
			try {
				await turns.run(async () => this.#apply(hooks));
				return;
			} catch (error) {
				if (!persistent() || !fromDatabase(error)) {
					warn('could not update the health of endpoints', error);
					return;
				}

				await outage.pause(outage.failed('updating the health of endpoints', error));
			}
		}
	}

	async #apply(hooks: Map<number, Tally>): Promise<void> {
		const {sequelize, disableAfterFailures} = this.settings;
		const now = new Date();
		const healthy = [...hooks].filter(([, entry]) => entry.trailing === 0).map(([hookId]) => hookId);
		if (healthy.length > 0) {
			await dialectOf(sequelize).retryingLockConflicts(async () => sequelize.query(
				'UPDATE http_hook_health SET consecutive_failures = 0, updated_at = :now WHERE hook_id IN (:healthy) AND consecutive_failures > 0',
				{replacements: withTimes(sequelize, {healthy, now})},
			));
		}

		for (const [hookId, entry] of hooks) {
			if (entry.gone) {
				await this.#disable(hookId, 'endpoint answered 410 Gone', now);
				continue;
			}

			if (entry.trailing === 0) {
				continue;
			}

			// One statement, autocommitted: one that meets a deadlock changed nothing and is tried again.
			await dialectOf(sequelize).retryingLockConflicts(async () => sequelize.query(dialectOf(sequelize).addFailures, {
				replacements: withTimes(sequelize, {hookId, failures: entry.trailing, now, reset: entry.success ? 1 : 0}),
			}));
			const [row] = await sequelize.query<{consecutive_failures: number | string}>(
				'SELECT consecutive_failures FROM http_hook_health WHERE hook_id = :hookId',
				{replacements: {hookId}, type: QueryTypes.SELECT},
			);
			const failures = Number(row?.consecutive_failures ?? 0);
			if (failures >= disableAfterFailures) {
				await this.#disable(hookId, `${failures} failed attempts in a row (last: ${entry.last})`, now);
			}
		}
	}

	async #disable(hookId: number, reason: string, now: Date): Promise<void> {
		const [, changed] = await this.settings.sequelize.query(
			// Bound, not inlined: the reason quotes what a receiver answered, which may hold anything.
			`UPDATE http_hooks SET enabled = $1, disabled_reason = $2, disabled_at = $3, updated_at = $3
			WHERE id = $4 AND enabled = $5`,
			// QueryTypes.UPDATE: the row count comes back on SQLite too (else a statement without it).
			{bind: [false, reason, dialectOf(this.settings.sequelize).time(now), hookId, true], type: QueryTypes.UPDATE},
		);
		this.settings.onDisabled(hookId, reason, affected(changed) > 0);
	}
}

// The second result of an UPDATE: a row count (SQLite: the statement, with `changes`).
function affected(result: unknown): number {
	if (typeof result === 'number') {
		return result;
	}

	const {rowCount, changes} = (result ?? {}) as {rowCount?: number; changes?: number};
	return rowCount ?? changes ?? 0;
}
