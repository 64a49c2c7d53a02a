import {QueryTypes, type Sequelize} from 'sequelize';
import {HttpHooksError, quote} from '../errors.js';
import {withTimes} from '../store/dialects/index.js';
import {checkId, checkInteger, ranges} from '../numbers.js';
import type {CallbackStatus, HttpHooksModels} from '../store/models.js';
import {callbackStatuses} from './callback-statuses.js';
import {parseTimeSelector} from './time-selector.js';

/** Which callbacks `resendCallbacks` and `cancelCallbacks` act on; every given part must match. */
export type CallbackSelector = {
	/** Only callbacks of this hook (it must exist). */
	hookId?: number;
	/** Only callbacks with this status (or one of these). */
	status?: CallbackStatus | CallbackStatus[];
	/** Created at or after: a Date, an ISO time, or a duration back from now (`90m`, `2h`, `3d`, `1w`). */
	since?: Date | string;
	/** Created before (same forms); default: now, when the call starts. */
	until?: Date | string;
	/** Only these callbacks (ids as numbers or digit strings). */
	callbackIds?: Array<number | string>;
	/** Allow a selection without hookId, status, since, until or callbackIds: every callback of the statuses. */
	all?: boolean;
};

/** A bad selector (status, time, id, or none at all): the message names the value. */
export class InvalidSelectionError extends HttpHooksError {}

/** A checked selector. `until` is fixed when the call starts, so callbacks written meanwhile stay out. */
export type Selection = {hookId?: number; statuses: CallbackStatus[]; since?: Date; until: Date; callbackIds?: number[]};

/** What an operation accepts: the statuses it may act on (with why others are refused) and its default. */
export type SelectionRules = {
	verb: string;
	defaults: readonly CallbackStatus[];
	refused: Partial<Record<CallbackStatus, string>>;
};

function statusesOf(value: unknown, rules: SelectionRules, name: string): CallbackStatus[] | undefined {
	if (value === undefined) {
		return undefined;
	}

	const list = Array.isArray(value) ? value : [value];
	if (list.length === 0) {
		throw new InvalidSelectionError(`${name} is an empty list: give one or more of ${callbackStatuses.join(', ')}`);
	}

	for (const status of list) {
		if (typeof status !== 'string' || !(callbackStatuses as string[]).includes(status)) {
			throw new InvalidSelectionError(`Status ${quote(status)} is not one of ${callbackStatuses.join(', ')}`);
		}

		const why = rules.refused[status as CallbackStatus];
		if (why) {
			throw new InvalidSelectionError(`Cannot ${rules.verb} ${quote(status)} callbacks: ${why}`);
		}
	}

	return [...new Set(list as CallbackStatus[])];
}

function idsOf(value: unknown, name: string): number[] | undefined {
	if (value === undefined) {
		return undefined;
	}

	if (!Array.isArray(value) || value.length === 0) {
		throw new InvalidSelectionError(`${name} must be a non-empty list of callback ids, got ${quote(value)}`);
	}

	try {
		return [...new Set(value.map(id => checkId('A callback id', id)))];
	} catch (error) {
		throw new InvalidSelectionError((error as Error).message);
	}
}

/** How errors name the selector's parts: the API's option names, or the CLI's flags. */
export type SelectorNames = Record<'hookId' | 'status' | 'since' | 'until' | 'callbackIds' | 'all', string>;

export const optionNames: SelectorNames = {hookId: 'hookId', status: 'status', since: 'since', until: 'until', callbackIds: 'callbackIds', all: 'all: true'};

/** Check a selector without touching the database; a bad one is an InvalidSelectionError. */
export function checkSelection(selector: CallbackSelector, rules: SelectionRules, now = new Date(), names: SelectorNames = optionNames): Selection {
	if (typeof selector !== 'object' || selector === null || Array.isArray(selector)) {
		throw new InvalidSelectionError(`The selection must be an object such as {hookId, status, since}, got ${quote(selector)}`);
	}

	const {hookId, status, since, until, callbackIds, all} = selector;
	if (hookId !== undefined) {
		try {
			checkInteger(names.hookId, hookId, ranges.id);
		} catch (error) {
			throw new InvalidSelectionError((error as Error).message);
		}
	}

	const time = (name: string, value: unknown) => {
		try {
			return parseTimeSelector(name, value, now);
		} catch (error) {
			throw new InvalidSelectionError((error as Error).message);
		}
	};

	const statuses = statusesOf(status, rules, names.status);
	const ids = idsOf(callbackIds, names.callbackIds);
	const from = since === undefined ? undefined : time(names.since, since);
	const to = until === undefined ? new Date(now.getTime()) : time(names.until, until);
	if (from && from.getTime() >= to.getTime()) {
		throw new InvalidSelectionError(`${names.since} (${from.toISOString()}) must be before ${names.until} (${to.toISOString()})`);
	}

	const selected = hookId !== undefined || status !== undefined || since !== undefined || until !== undefined || ids !== undefined;
	if (!selected && all !== true) {
		const parts = [names.hookId, names.status, names.since, names.until].join(', ');
		throw new InvalidSelectionError(`Too broad: say which callbacks to ${rules.verb} (${parts} or ${names.callbackIds}), or give ${names.all} for every ${rules.defaults.join(' or ')} callback`);
	}

	return {hookId, statuses: statuses ?? [...rules.defaults], since: from, until: to, callbackIds: ids};
}

/** The selection as a WHERE condition over http_callbacks, with its values (bound by Sequelize). */
export function selectionWhere(selection: Selection): {sql: string; replacements: Record<string, unknown>} {
	const parts = ['status IN (:statuses)', 'created_at < :until'];
	if (selection.since) {
		parts.push('created_at >= :since');
	}

	if (selection.hookId !== undefined) {
		parts.push('hook_id = :hookId');
	}

	if (selection.callbackIds) {
		parts.push('id IN (:callbackIds)');
	}

	const {statuses, until, since, hookId, callbackIds} = selection;
	return {sql: parts.join(' AND '), replacements: {statuses, until, since, hookId, callbackIds}};
}

/** A hook the selection names must exist: else an HttpHooksError naming the id. */
export async function checkHookExists(models: HttpHooksModels, selection: Pick<Selection, 'hookId'>): Promise<void> {
	if (selection.hookId !== undefined && await models.Hook.count({where: {id: selection.hookId}}) === 0) {
		throw new HttpHooksError(`No hook with id ${quote(selection.hookId)}`);
	}
}

/** How many callbacks the selection matches now. */
export async function countSelected(sequelize: Sequelize, selection: Selection): Promise<number> {
	const {sql, replacements} = selectionWhere(selection);
	const [row] = await sequelize.query<{count: number | string}>(`SELECT COUNT(*) AS count FROM http_callbacks WHERE ${sql}`, {replacements: withTimes(sequelize, replacements), type: QueryTypes.SELECT});
	return Number(row?.count ?? 0);
}

/**
 * Hand the selected callback ids to `work` a batch at a time, in id order (a keyset: each batch
 * starts after the last id of the one before, so a callback changed by `work`, or by a sender
 * meanwhile, is never met twice). `work` must check the status again in its own statement.
 * Stops between two batches when `signal` aborts; returns whether it did.
 */
export async function forEachBatch(sequelize: Sequelize, selection: Selection, batchSize: number, signal: AbortSignal | undefined, work: (ids: number[]) => Promise<void>): Promise<{stopped: boolean}> {
	const {sql, replacements} = selectionWhere(selection);
	let after = 0;
	for (;;) {
		if (signal?.aborted) {
			return {stopped: true};
		}

		const rows = await sequelize.query<{id: number | string}>(
			`SELECT id FROM http_callbacks WHERE id > :after AND ${sql} ORDER BY id LIMIT :batchSize`,
			{replacements: withTimes(sequelize, {...replacements, after, batchSize}), type: QueryTypes.SELECT},
		);
		if (rows.length === 0) {
			return {stopped: false};
		}

		const ids = rows.map(row => Number(row.id));
		after = ids.at(-1)!;
		await work(ids);
		if (ids.length < batchSize) {
			return {stopped: false};
		}
	}
}
