import type {Context} from '../keymap.js';
import type {Message} from '../components/message-line.js';
import type {CallbacksFilter} from './callbacks-state.js';

export type Screen = 'hooks' | 'signals' | 'callbacks';

/** The console shell: which screen shows, overlays, the message line. */
export type AppState = {
	screen: Screen;
	/** The hook form, over the hooks screen: `new` or a hook id. */
	form?: 'new' | number;
	/** After a save, the hooks list puts its cursor on this hook, once: the serial moves with each save. */
	selectHook?: {id: number; serial: number};
	/** A filter the callbacks screen should take (from the hooks screen's `c`), with a counter to re-apply it. */
	callbacksFilter?: {filter: CallbacksFilter; serial: number};
	help?: {contexts: Context[]; offset: number};
	question?: {text: string; run: () => Promise<void> | void};
	message?: Message;
};

export type AppAction =
	| {type: 'show'; screen: Screen}
	| {type: 'openForm'; hook: 'new' | number}
	| {type: 'closeForm'; savedId?: number}
	| {type: 'showCallbacksOf'; filter: CallbacksFilter}
	| {type: 'openHelp'; contexts: Context[]}
	| {type: 'scrollHelp'; by: number}
	| {type: 'closeHelp'}
	| {type: 'ask'; text: string; run: () => Promise<void> | void}
	| {type: 'answered'}
	| {type: 'notify'; message: Message}
	| {type: 'expire'; message: Message};

/** How long a message stays, in ms: errors longer, since they may need reading twice. */
export const messageLifetimeMs: Record<Message['tone'], number> = {info: 5000, success: 5000, error: 10_000};

export const initialApp: AppState = {screen: 'hooks'};

export function appReducer(state: AppState, action: AppAction): AppState {
	switch (action.type) {
		// The form is left by saving or cancelling, never by switching screens under it.
		case 'show': return state.form === undefined && state.screen !== action.screen ? {...state, screen: action.screen, message: undefined} : state;
		case 'openForm': return {...state, screen: 'hooks', form: action.hook, message: undefined};
		// Leaving without saving drops the form's last error with it.
		case 'closeForm': return action.savedId === undefined
			? {...state, form: undefined, message: undefined}
			: {...state, form: undefined, selectHook: {id: action.savedId, serial: (state.selectHook?.serial ?? 0) + 1}};
		case 'showCallbacksOf': return {...state, screen: 'callbacks', callbacksFilter: {filter: action.filter, serial: (state.callbacksFilter?.serial ?? 0) + 1}};
		case 'openHelp': return {...state, help: {contexts: action.contexts, offset: 0}};
		case 'scrollHelp': return state.help ? {...state, help: {...state.help, offset: Math.max(0, state.help.offset + action.by)}} : state;
		case 'closeHelp': return {...state, help: undefined};
		case 'ask': return {...state, question: {text: action.text, run: action.run}};
		case 'answered': return {...state, question: undefined};
		case 'notify': return {...state, message: action.message};
		// Only the message it was set for: a newer one keeps its own time.
		case 'expire': return state.message === action.message ? {...state, message: undefined} : state;
	}
}

/** The key contexts of the shell's own overlays, when one is open. */
export function overlayContexts(state: AppState): Context[] | undefined {
	if (state.question) {
		return ['confirm'];
	}

	if (state.help) {
		return ['help', 'navigate'];
	}

	return undefined;
}
