import type {Action, Context} from '../keymap.js';
import {navigationMoves, scrolled, type Move} from '../state/navigation.js';

/** What the shell gives every screen. */
export type ScreenProps = {
	width: number;
	height: number;
	/** The screen is shown (it may stay mounted, hidden, to keep its place). */
	visible: boolean;
	/** The screen has the keys (shown, and no overlay open). */
	isActive: boolean;
	refreshMs: number;
	/** Keys of the `global` context, handled by the shell. */
	onGlobal(action: Action): void;
	onContexts(contexts: Context[]): void;
};

/** The `global` context's actions. */
export const globalActions: ReadonlySet<Action> = new Set(['quit', 'help', 'showHooks', 'showSignals', 'showCallbacks']);

export type Pane = 'list' | 'detail';

/**
 * The keys every list-and-detail screen handles alike: the shell's global actions, moves (the
 * list's cursor, or the detail pane's scroll), and switching panes. True when it was one of them.
 */
export function handlePaneAction(action: Action, screen: {
	pane: Pane;
	setPane(pane: Pane): void;
	onGlobal(action: Action): void;
	/** The list's reducer, which takes cursor moves. */
	dispatch(action: {type: 'move'; move: {type: Move}}): void;
	setDetailOffset(update: (offset: number) => number): void;
	detailRows: number;
	maxOffset: number;
}): boolean {
	if (globalActions.has(action)) {
		screen.onGlobal(action);
		return true;
	}

	const move = navigationMoves[action];
	if (move && screen.pane === 'list') {
		screen.dispatch({type: 'move', move: {type: move}});
		return true;
	}

	if (move) {
		screen.setDetailOffset(offset => scrolled(offset, move, screen.detailRows, screen.maxOffset));
		return true;
	}

	switch (action) {
		case 'open': screen.setPane('detail'); return true;
		case 'switchPane': screen.setPane(screen.pane === 'list' ? 'detail' : 'list'); return true;
		case 'back': screen.setPane('list'); return true;
		default: return false;
	}
}
