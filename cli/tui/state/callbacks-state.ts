import type {CallbackAttributes, CallbackStatus} from '../../../source/store/models.js';
import {listReducer, settle, type ListAction, type ListState} from './list-state.js';

export type CallbackRow = Omit<CallbackAttributes, 'payload' | 'headers'>;

/** A keyset page as pageCallbacks gives it (payloads and headers left out). */
export type RowPage = {rows: CallbackRow[]; nextBeforeId?: number};

export type CallbacksFilter = {status?: CallbackStatus; search?: string; hookId?: number; hookName?: string};

export const statusCycle: Array<CallbackStatus | undefined> = [undefined, 'waiting', 'sending', 'sent', 'error', 'cancelled'];

/**
 * The live callbacks list: the rows loaded so far (newest first, a keyset page at a time), the
 * cursor, the filter. `generation` moves with the filter, so that answers to an old filter's
 * queries are dropped.
 */
export type CallbacksState = {
	rows: CallbackRow[];
	list: ListState;
	filter: CallbacksFilter;
	/** Older rows exist below the last loaded one; pass it as `beforeId`. */
	nextBeforeId?: number;
	loading: boolean;
	paused: boolean;
	generation: number;
	refreshedAt?: Date;
};

export type WindowRead = {
	/** The newest id the read covered (inclusive); it read `id <= fromId`. */
	fromId: number;
	rows: CallbackRow[];
	/** The read reached the end of the table: nothing older is left. */
	complete: boolean;
};

export type CallbacksAction =
	| {type: 'move'; move: ListAction}
	| {type: 'filter'; filter: CallbacksFilter}
	| {type: 'cycleStatus'}
	| {type: 'pause'}
	| {type: 'loading'}
	| {type: 'loaded'; generation: number; page: RowPage; append: boolean}
	| {type: 'refreshed'; generation: number; newer: CallbackRow[]; window?: WindowRead; at: Date}
	| {type: 'failed'; generation: number};

export function initialCallbacks(height: number, filter: CallbacksFilter = {}): CallbacksState {
	return {rows: [], list: settle({cursor: 0, offset: 0, count: 0, height}), filter, loading: true, paused: false, generation: 0};
}

export function callbacksReducer(state: CallbacksState, action: CallbacksAction): CallbacksState {
	switch (action.type) {
		case 'move': return {...state, list: listReducer(state.list, action.move)};
		case 'filter': return {...state, filter: action.filter, rows: [], nextBeforeId: undefined, loading: true, generation: state.generation + 1, list: settle({...state.list, count: 0, cursor: 0, offset: 0})};
		case 'cycleStatus': {
			const next = statusCycle[(statusCycle.indexOf(state.filter.status) + 1) % statusCycle.length];
			return callbacksReducer(state, {type: 'filter', filter: {...state.filter, status: next}});
		}

		case 'pause': return {...state, paused: !state.paused};
		case 'loading': return {...state, loading: true};
		case 'failed': return action.generation === state.generation ? {...state, loading: false} : state;
		case 'loaded': {
			if (action.generation !== state.generation) {
				return state;
			}

			const known = action.append ? new Set(state.rows.map(row => row.id)) : new Set<number>();
			const rows = action.append ? [...state.rows, ...action.page.rows.filter(row => !known.has(row.id))] : action.page.rows;
			return {...state, rows, nextBeforeId: action.page.nextBeforeId, loading: false, list: settle({...state.list, count: rows.length})};
		}

		case 'refreshed': {
			if (action.generation !== state.generation) {
				return state;
			}

			return {...mergeRefresh(state, action.newer, action.window), refreshedAt: action.at};
		}
	}
}

/** The id range to read again on a refresh: the visible rows, so their status stays current. */
export function visibleWindow(state: CallbacksState): {fromId: number; limit: number} | undefined {
	const top = state.rows[state.list.offset];
	return top ? {fromId: top.id, limit: state.list.height} : undefined;
}

/**
 * Fold a refresh into the list: rows newer than the top are prepended, the rows of the window
 * that was read again are replaced (rows that left the filter drop out), and the cursor stays
 * on the row it was on. At the top of the list, new rows come into view; further down, the
 * view stays where it is.
 */
export function mergeRefresh(state: CallbacksState, newer: CallbackRow[], window?: WindowRead): CallbacksState {
	const topId = state.rows[0]?.id ?? 0;
	const added = newer.filter(row => row.id > topId).sort((a, b) => b.id - a.id);
	let rows = [...added, ...state.rows];
	let {nextBeforeId} = state;
	if (window) {
		const low = window.complete || window.rows.length === 0 ? Number.NEGATIVE_INFINITY : Math.min(...window.rows.map(row => row.id));
		rows = [
			...rows.filter(row => row.id > window.fromId),
			...window.rows,
			...rows.filter(row => row.id < low),
		];
		if (window.complete) {
			nextBeforeId = undefined;
		}
	}

	const {cursor, offset} = state.list;
	const cursorId = state.rows[cursor]?.id;
	let nextCursor = 0;
	if (cursorId !== undefined) {
		const same = rows.findIndex(row => row.id === cursorId);
		// Gone (left the filter): the next older row takes its place.
		const older = rows.findIndex(row => row.id < cursorId);
		nextCursor = same === -1 ? (older === -1 ? rows.length - 1 : older) : same;
	}

	const nextOffset = offset === 0 && nextCursor < state.list.height ? 0 : offset + (nextCursor - cursor);
	return {...state, rows, nextBeforeId, list: settle({...state.list, count: rows.length, cursor: nextCursor, offset: nextOffset})};
}

/** True when the cursor is near the end of the loaded rows and older ones can be loaded. */
export function wantsMore(state: CallbacksState): boolean {
	return !state.loading && state.nextBeforeId !== undefined && state.list.cursor + state.list.height >= state.rows.length;
}
