import {QueryTypes} from 'sequelize';
import type {SqlDialect} from './dialect.js';

// Statements SQLite and PostgreSQL write alike (standard SQL with ON CONFLICT and subqueries on
// the table being deleted from); MySQL and MariaDB have their own in mysql.ts.

export const deleteBatchInSubquery: SqlDialect['deleteBatch'] = async (sequelize, where, replacements) => {
	// The oldest batch first, found through the created_at index; one autocommitted statement.
	// The condition is checked again on the rows the DELETE itself removes: a row a sender
	// claims while the DELETE waits for its lock is re-read after the claim commits, and the
	// outer condition (unlike the subquery's snapshot) then sees it `sending` and keeps it.
	const sql = `DELETE FROM http_callbacks WHERE ${where} AND id IN (
		SELECT id FROM http_callbacks WHERE ${where} ORDER BY created_at LIMIT :batchSize)`;
	const deleted = await sequelize.query(sql, {replacements, type: QueryTypes.BULKDELETE}) as unknown as number;
	return {deleted, full: deleted >= replacements.batchSize};
};

/** Add a hook's failures (or reset them), one row per hook. */
export const addFailuresOnConflict = `INSERT INTO http_hook_health (hook_id, consecutive_failures, updated_at) VALUES (:hookId, :failures, :now)
		ON CONFLICT (hook_id) DO UPDATE SET updated_at = excluded.updated_at,
			consecutive_failures = (CASE WHEN :reset = 1 THEN 0 ELSE http_hook_health.consecutive_failures END) + excluded.consecutive_failures`;
