import {QueryTypes, type Sequelize} from 'sequelize';
import {parseDbDate} from '../store/db-date.js';
import {withTimes} from '../store/dialects/index.js';

/** What the database says of the queue at one moment: three small grouped queries. */
export type QueueSample = {
	/** Callbacks not sent yet (and the final errors), by hook and status; `sent` is left out (it only grows). */
	callbacks: Array<{hookId: number | null; status: string; count: number}>;
	/** Per hook, how long the oldest due callback has been waiting, in seconds. */
	lags: Array<{hookId: number | null; seconds: number}>;
	hooks: Array<{id: number; name: string; enabled: boolean}>;
	at: Date;
};

type Row = Record<string, unknown>;

const hookIdOf = (value: unknown) => value === null || value === undefined ? null : Number(value);

// Statuses listed, not `<> 'sent'`: an index led by status then serves the count however many
// sent callbacks the table keeps (on MySQL/MariaDB (status, hook_id), read alone and in its order).
const queued = ['waiting', 'sending', 'error', 'cancelled'];

export async function sampleQueue(sequelize: Sequelize, now: Date = new Date()): Promise<QueueSample> {
	const select = async (sql: string, replacements: Record<string, unknown> = {}) => sequelize.query<Row>(sql, {replacements: withTimes(sequelize, replacements), type: QueryTypes.SELECT});
	const [counts, lags, hooks] = await Promise.all([
		select('SELECT hook_id, status, COUNT(*) AS n FROM http_callbacks WHERE status IN (:queued) GROUP BY status, hook_id', {queued}),
		select('SELECT hook_id, MIN(next_attempt_at) AS oldest FROM http_callbacks WHERE status = \'waiting\' AND next_attempt_at <= :now GROUP BY hook_id', {now}),
		select('SELECT id, name, enabled FROM http_hooks ORDER BY id'),
	]);
	return {
		callbacks: counts.map(row => ({hookId: hookIdOf(row['hook_id']), status: String(row['status']), count: Number(row['n'])})),
		lags: lags.flatMap(row => {
			const oldest = parseDbDate(row['oldest']);
			return oldest ? [{hookId: hookIdOf(row['hook_id']), seconds: Math.max(0, (now.getTime() - oldest.getTime()) / 1000)}] : [];
		}),
		hooks: hooks.map(row => ({id: Number(row['id']), name: String(row['name']), enabled: row['enabled'] === true || row['enabled'] === 1 || row['enabled'] === '1'})),
		at: now,
	};
}
