import {QueryTypes, type Sequelize} from 'sequelize';
import {checkInteger, ranges} from '../numbers.js';
import {parseDbDate, sqlDate} from '../store/db-date.js';
import {dialectOf, withTimes} from '../store/dialects/index.js';
import type {CallbackStatus, HttpHooksModels} from '../store/models.js';

export type HookStats = {
	/** null gathers the callbacks of deleted hooks. */
	hookId: number | null;
	hookName: string;
	counts: Record<CallbackStatus, number>;
	/** Age in seconds of the oldest callback that is due and still waiting: how far delivery lags. */
	lagSeconds: number | null;
	/** Attempts started within the window, and the share of them answered 2xx. */
	attempts: number;
	successRate: number | null;
	/** Attempt durations within the window, nearest-rank percentiles. */
	p50Ms: number | null;
	p95Ms: number | null;
};

export type StatsOptions = {
	windowMinutes?: number;
	now?: Date;
	/** Only this hook (the console asks for the selected hook alone). */
	hookId?: number;
};

type Row = Record<string, unknown> & {hook_id: number | string | null};

const key = (row: Row) => row.hook_id === null ? null : Number(row.hook_id);

/**
 * Per hook: callbacks by status, the lag of the oldest due callback, and over the last hour
 * (or `windowMinutes`) the attempts' success rate and p50 / p95 latency. Four grouped queries,
 * the same SQL on every dialect but for integer division (exact percentiles with window functions).
 */
export async function callbackStats(models: HttpHooksModels, {windowMinutes = 60, now = new Date(), hookId}: StatsOptions = {}): Promise<HookStats[]> {
	checkInteger('windowMinutes', windowMinutes, ranges.windowMinutes);
	if (hookId !== undefined) {
		checkInteger('hookId', hookId, ranges.id);
	}

	const only = hookId === undefined ? '' : 'AND c.hook_id = :hookId';

	const sequelize = models.Callback.sequelize as Sequelize;
	const since = sqlDate(new Date(now.getTime() - (windowMinutes * 60_000)), 'The start of the stats window');
	const select = async (sql: string, replacements: Record<string, unknown> = {}) => sequelize.query<Row>(sql, {replacements: withTimes(sequelize, replacements), type: QueryTypes.SELECT});
	// Nearest rank: the ceiling of n * p / 100, in integers (MySQL's `/` would give a decimal).
	const rank = (percent: number) => dialectOf(sequelize).integerDivision(`n * ${percent} + 99`, '100');
	const [counts, lags, attempts, percentiles, hooks] = await Promise.all([
		select(`SELECT c.hook_id, MAX(c.hook_name) AS hook_name, c.status, COUNT(*) AS n FROM http_callbacks c WHERE 1 = 1 ${only} GROUP BY c.hook_id, c.status`, {hookId}),
		select(`SELECT c.hook_id, MIN(c.next_attempt_at) AS oldest FROM http_callbacks c WHERE c.status = 'waiting' AND c.next_attempt_at <= :now ${only} GROUP BY c.hook_id`, {now, hookId}),
		select(`SELECT c.hook_id, COUNT(*) AS n, SUM(CASE WHEN a.status_code >= 200 AND a.status_code < 300 THEN 1 ELSE 0 END) AS ok
			FROM http_callback_attempts a JOIN http_callbacks c ON c.id = a.callback_id
			WHERE a.started_at >= :since ${only} GROUP BY c.hook_id`, {since, hookId}),
		select(`WITH ranked AS (
				SELECT c.hook_id, a.duration_ms,
					ROW_NUMBER() OVER (PARTITION BY c.hook_id ORDER BY a.duration_ms) AS rn,
					COUNT(*) OVER (PARTITION BY c.hook_id) AS n
				FROM http_callback_attempts a JOIN http_callbacks c ON c.id = a.callback_id
				WHERE a.started_at >= :since ${only})
			SELECT hook_id,
				MAX(CASE WHEN rn = ${rank(50)} THEN duration_ms END) AS p50,
				MAX(CASE WHEN rn = ${rank(95)} THEN duration_ms END) AS p95
			FROM ranked GROUP BY hook_id`, {since, hookId}),
		models.Hook.findAll({attributes: ['id', 'name'], where: hookId === undefined ? {} : {id: hookId}, order: [['id', 'ASC']]}),
	]);

	const stats = new Map<number | null, HookStats>();
	const entry = (hookId: number | null, name?: unknown) => {
		let found = stats.get(hookId);
		if (!found) {
			found = {
				hookId, hookName: hookId === null ? '(deleted hooks)' : String(name ?? `hook ${hookId}`),
				counts: {waiting: 0, sending: 0, sent: 0, error: 0, cancelled: 0}, lagSeconds: null, attempts: 0, successRate: null, p50Ms: null, p95Ms: null,
			};
			stats.set(hookId, found);
		}

		return found;
	};

	for (const hook of hooks) {
		entry(hook.id, hook.name);
	}

	for (const row of counts) {
		entry(key(row), row['hook_name']).counts[row['status'] as CallbackStatus] = Number(row['n']);
	}

	for (const row of lags) {
		const oldest = parseDbDate(row['oldest']);
		entry(key(row)).lagSeconds = oldest ? Math.max(0, Math.round((now.getTime() - oldest.getTime()) / 1000)) : null;
	}

	for (const row of attempts) {
		const item = entry(key(row));
		item.attempts = Number(row['n']);
		item.successRate = item.attempts > 0 ? Number(row['ok']) / item.attempts : null;
	}

	for (const row of percentiles) {
		const item = entry(key(row));
		item.p50Ms = row['p50'] === null ? null : Number(row['p50']);
		item.p95Ms = row['p95'] === null ? null : Number(row['p95']);
	}

	return [...stats.values()].sort((a, b) => (a.hookId ?? Number.MAX_SAFE_INTEGER) - (b.hookId ?? Number.MAX_SAFE_INTEGER));
}
