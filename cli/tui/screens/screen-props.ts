import type {Action, Context} from '../keymap.js';

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
