import {listReducer, settle, type ListAction, type ListState} from './list-state.js';

/** Rows with a cursor that follows a row (by id) when the rows are read again. */
export type RowList<T> = {rows: T[]; list: ListState};

export type RowListAction<T> =
	| {type: 'rows'; rows: T[]; select?: number}
	| {type: 'move'; move: ListAction};

export function rowListReducer<T extends {id: number}>(state: RowList<T>, action: RowListAction<T>): RowList<T> {
	switch (action.type) {
		case 'move': return {...state, list: listReducer(state.list, action.move)};
		case 'rows': return replaceRows(state, action.rows, action.select);
	}
}

/**
 * New rows: the cursor stays on the row it was on (or moves to the row `select`); when that row
 * is gone, it keeps its position.
 */
export function replaceRows<T extends {id: number}>(state: RowList<T>, rows: T[], select?: number): RowList<T> {
	const wanted = select ?? state.rows[state.list.cursor]?.id;
	const found = wanted === undefined ? -1 : rows.findIndex(row => row.id === wanted);
	const cursor = found === -1 ? state.list.cursor : found;
	return {rows, list: settle({...state.list, count: rows.length, cursor})};
}
