import {useCallback, useRef} from 'react';
import type {RowListAction} from '../state/row-list-state.js';

/**
 * Show rows read while other reads may be under way (the refresh timer's, one after a change):
 * a read that ends after a later one was shown is dropped, its rows being older; a row to select
 * is selected by the first read shown that began after it was asked for. Without this, a refresh
 * that began before a new row was written and ended after the read that selects it would take the
 * row, and so the cursor, away again. A read `ifIdle` (the timer's) is not made while another
 * is under way: on a busy machine or database, reads would pile up. Resolves to whether the read
 * was shown (what a screen shows beside the rows, e.g. a count, follows the same reads).
 */
export function useRowReads<T extends {id: number}>(dispatch: (action: RowListAction<T>) => void): (read: () => Promise<T[]>, options?: {select?: number; ifIdle?: boolean}) => Promise<boolean> {
	const begun = useRef(0);
	const shown = useRef(0);
	const underWay = useRef(0);
	const wanted = useRef<{id: number; from: number}>(undefined);
	return useCallback(async (read: () => Promise<T[]>, {select, ifIdle = false}: {select?: number; ifIdle?: boolean} = {}) => {
		if (ifIdle && underWay.current > 0) {
			return false;
		}

		const number = ++begun.current;
		if (select !== undefined) {
			wanted.current = {id: select, from: number};
		}

		let rows: T[];
		underWay.current++;
		try {
			rows = await read();
		} finally {
			underWay.current--;
		}

		if (number < shown.current) {
			return false;
		}

		shown.current = number;
		const pick = wanted.current && number >= wanted.current.from ? wanted.current.id : undefined;
		if (pick !== undefined) {
			wanted.current = undefined;
		}

		dispatch({type: 'rows', rows, select: pick});
		return true;
	}, [dispatch]);
}
