import type {Action} from '../keymap.js';

export type Move = 'up' | 'down' | 'pageUp' | 'pageDown' | 'first' | 'last';

/** The `navigate` context's actions, as list and scroll moves. */
export const navigationMoves: Partial<Record<Action, Move>> = {up: 'up', down: 'down', pageUp: 'pageUp', pageDown: 'pageDown', first: 'first', last: 'last'};

/** A detail pane's scroll offset after a move, within `0…max`. */
export function scrolled(offset: number, move: Move, page: number, max: number): number {
	const next = {up: offset - 1, down: offset + 1, pageUp: offset - page, pageDown: offset + page, first: 0, last: max}[move];
	return Math.min(max, Math.max(0, next));
}
