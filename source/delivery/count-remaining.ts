import {QueryTypes, type Sequelize} from 'sequelize';
import {withTimes} from '../store/dialects/index.js';

/** How many callbacks wait to be sent, due at `cutoff` (for the progress line; index-backed). */
export async function countRemaining(sequelize: Sequelize, {hookId, cutoff}: {hookId?: number; cutoff: Date}): Promise<number> {
	const rows = await sequelize.query<{count: number | string}>(
		`SELECT COUNT(*) AS count FROM http_callbacks WHERE status = 'waiting' AND next_attempt_at <= :cutoff${hookId === undefined ? '' : ' AND hook_id = :hookId'}`,
		{replacements: withTimes(sequelize, {cutoff, hookId}), type: QueryTypes.SELECT},
	);
	return Number(rows[0]?.count ?? 0);
}
