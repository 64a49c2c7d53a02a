import {literal, Op, QueryTypes, type BindOrReplacements, type WhereOptions} from 'sequelize';
import {checkInteger, ranges} from '../numbers.js';
import {dialectOf} from '../store/dialects/index.js';
import type {AttemptAttributes, CallbackAttributes, CallbackStatus, HttpHooksModels} from '../store/models.js';
import {checkStatus} from './callback-statuses.js';

export {callbackStatuses, checkStatus} from './callback-statuses.js';

export type CallbackFilter = {
	status?: CallbackStatus;
	hookId?: number;
	/** Free text found in the hook name, the target URL or status_details. */
	search?: string;
};

export type CallbackPage = {
	rows: CallbackAttributes[];
	/** Pass as `beforeId` for the next (older) page; undefined on the last page. */
	nextBeforeId?: number;
};

/** The columns --search looks in: what the listing shows as HOOK, the URL and DETAILS. */
const searchedColumns = ['hook_name', 'target_url', 'status_details'];

/**
 * A filter as a where clause, with the bind parameters its search needs: pass both to the query.
 * The search text is a bound `$search` pattern, its `%`, `_` and escape character escaped and the
 * escape character declared (`ESCAPE …`, the dialect's), so it matches as written on every
 * dialect: SQLite knows no default escape character, and `status_code:5` or `50%` are ordinary searches.
 */
function whereOf(models: HttpHooksModels, filter: CallbackFilter): {where: WhereOptions; bind: BindOrReplacements} {
	const where: Record<string | symbol, unknown> = {};
	const bind: Record<string, unknown> = {};
	if (filter.status) {
		where['status'] = checkStatus(filter.status);
	}

	if (filter.hookId !== undefined) {
		where['hookId'] = checkInteger('hookId', filter.hookId, ranges.id);
	}

	const search = filter.search?.trim();
	if (search) {
		const sequelize = models.Callback.sequelize!;
		// Case-insensitive on every dialect (each says how).
		const {containsText, likeEscape} = dialectOf(sequelize);
		const column = (name: string) => sequelize.getQueryInterface().quoteIdentifier(name);
		bind['search'] = `%${[...search].map(character => ['%', '_', likeEscape].includes(character) ? `${likeEscape}${character}` : character).join('')}%`;
		where[Op.and] = [literal(`(${searchedColumns.map(name => containsText(column(name), '$search')).join(' OR ')})`)];
	}

	return {where: where as WhereOptions, bind};
}

/**
 * One page of callbacks, newest first, by keyset (`id < beforeId`), so that any page of a table
 * of millions costs the same. Payloads are left out of the listing; `getCallback` has them.
 */
export async function pageCallbacks(models: HttpHooksModels, filter: CallbackFilter, {limit = 50, beforeId}: {limit?: number; beforeId?: number} = {}): Promise<CallbackPage> {
	checkInteger('limit', limit, ranges.pageLimit);
	const {where, bind} = whereOf(models, filter) as {where: Record<string | symbol, unknown>; bind: BindOrReplacements};
	if (beforeId !== undefined) {
		where['id'] = {[Op.lt]: checkInteger('beforeId', beforeId, ranges.id)};
	}

	const rows = await models.Callback.findAll({
		where,
		bind,
		attributes: {exclude: ['payload', 'headers']},
		order: [['id', 'DESC']],
		limit: limit + 1,
	});
	const plain = rows.slice(0, limit).map(row => row.get({plain: true}) as CallbackAttributes);
	return {rows: plain, nextBeforeId: rows.length > limit ? plain.at(-1)!.id : undefined};
}

/** The callbacks newer than `afterId` (for live views that prepend new rows). */
export async function newerCallbacks(models: HttpHooksModels, filter: CallbackFilter, afterId: number, limit = 500): Promise<CallbackAttributes[]> {
	const {where, bind} = whereOf(models, filter) as {where: Record<string | symbol, unknown>; bind: BindOrReplacements};
	where['id'] = {[Op.gt]: afterId};
	const rows = await models.Callback.findAll({where, bind, attributes: {exclude: ['payload', 'headers']}, order: [['id', 'DESC']], limit});
	return rows.map(row => row.get({plain: true}) as CallbackAttributes);
}

export type CallbackDetail = CallbackAttributes & {attemptRows: AttemptAttributes[]};

/** One callback with its payload, headers and every attempt, oldest attempt first. */
export async function getCallback(models: HttpHooksModels, id: number): Promise<CallbackDetail | undefined> {
	const row = await models.Callback.findByPk(id);
	if (!row) {
		return undefined;
	}

	const attempts = await models.Attempt.findAll({where: {callbackId: id}, order: [['attempt', 'ASC'], ['id', 'ASC']]});
	return {...row.get({plain: true}) as CallbackAttributes, attemptRows: attempts.map(attempt => attempt.get({plain: true}) as AttemptAttributes)};
}

/** Counts of callbacks by hook and status (index-backed; grouped in the order of MySQL's (status, hook_id) index), e.g. for `waiting / error` columns. */
export async function countByHook(models: HttpHooksModels, statuses: CallbackStatus[] = ['waiting', 'error']): Promise<Map<number | null, Partial<Record<CallbackStatus, number>>>> {
	const sequelize = models.Callback.sequelize!;
	const rows = await sequelize.query<{hook_id: number | null; status: CallbackStatus; count: number | string}>(
		'SELECT hook_id, status, COUNT(*) AS count FROM http_callbacks WHERE status IN (:statuses) GROUP BY status, hook_id',
		{replacements: {statuses}, type: QueryTypes.SELECT},
	);
	const counts = new Map<number | null, Partial<Record<CallbackStatus, number>>>();
	for (const row of rows) {
		const key = row.hook_id === null ? null : Number(row.hook_id);
		counts.set(key, {...counts.get(key), [row.status]: Number(row.count)});
	}

	return counts;
}

/** How many callbacks a filter matches (for "resend all N?" confirmations). */
export async function countCallbacks(models: HttpHooksModels, filter: CallbackFilter): Promise<number> {
	return models.Callback.count(whereOf(models, filter));
}

/** The ids of the callbacks a filter matches (for acting on all of them), newest first. */
export async function matchingIds(models: HttpHooksModels, filter: CallbackFilter): Promise<number[]> {
	// The matching ids first: an UPDATE binds its own values, which leaves no room for the search's.
	const {where, bind} = whereOf(models, filter);
	return (await models.Callback.findAll({where, bind, attributes: ['id'], order: [['id', 'DESC']], raw: true})).map(row => Number(row.id));
}

/**
 * Put callbacks back in the queue, due now, whatever their status but one being sent right now
 * (a live lease: it would go out twice): the next sender run (or a running `--watch` sender)
 * delivers them again. Attempts made so far are kept.
 */
export async function requeueCallbacks(models: HttpHooksModels, selection: {ids: number[]} | {filter: CallbackFilter}): Promise<number> {
	let ids: number[];
	if ('ids' in selection) {
		ids = selection.ids;
	} else {
		ids = await matchingIds(models, selection.filter);
	}

	const now = new Date();
	let count = 0;
	for (let start = 0; start < ids.length; start += 500) {
		const [updated] = await models.Callback.update(
			{status: 'waiting', nextAttemptAt: now, leaseUntil: null, lockedBy: null, statusDetails: 'requeued by hand', updatedAt: now},
			{where: {id: ids.slice(start, start + 500), [Op.or]: [{status: {[Op.ne]: 'sending'}}, {leaseUntil: null}, {leaseUntil: {[Op.lt]: now}}]}},
		);
		count += updated;
	}

	return count;
}
