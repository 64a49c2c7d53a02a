/**
 * Every key of the console, as data. Input handling, the footer and the help overlay are all
 * built from this one table, so that what the screen says can never drift from what the keys do.
 */

/** Where a binding applies; a screen is in a few contexts at once (e.g. `list` + `hooks` + `global`). */
export type Context =
	| 'global'
	| 'navigate'
	| 'list'
	| 'detail'
	| 'hooks'
	| 'signals'
	| 'callbacks'
	| 'form'
	| 'form-choice'
	| 'form-text'
	| 'preview'
	| 'prompt'
	| 'confirm'
	| 'help';

export type Action =
	| 'quit' | 'help' | 'showHooks' | 'showSignals' | 'showCallbacks'
	| 'up' | 'down' | 'pageUp' | 'pageDown' | 'first' | 'last'
	| 'open' | 'switchPane' | 'back'
	| 'newHook' | 'editHook' | 'toggleHook' | 'deleteHook' | 'hookCallbacks' | 'preview' | 'closePreview'
	| 'newSignal' | 'deleteSignal'
	| 'cycleStatus' | 'search' | 'clearFilter' | 'pause' | 'resend' | 'resendAll' | 'cancelCallback' | 'cancelAll'
	| 'nextField' | 'previousField' | 'save' | 'cancel' | 'externalEditor'
	| 'choosePrevious' | 'chooseNext' | 'toggleOption'
	| 'caretLeft' | 'caretRight' | 'caretHome' | 'caretEnd' | 'deleteBack' | 'newLine'
	| 'submit' | 'dismiss'
	| 'yes' | 'no'
	| 'closeHelp';

export type Binding = {
	context: Context;
	action: Action;
	/** Key names: a character (`j`, `G`, `/`), or `up`, `enter`, `escape`, `tab`, `shift+tab`, `ctrl+s`, … */
	keys: string[];
	/** A word or two for the footer. */
	label: string;
	/** A sentence for the help overlay and the README. */
	description: string;
	/** Shown in the footer (the rest only in help). */
	footer?: boolean;
};

export const contextTitles: Record<Context, string> = {
	global: 'Everywhere',
	navigate: 'Lists and detail panes',
	list: 'Lists',
	detail: 'Detail pane',
	hooks: 'Hooks screen',
	signals: 'Signals screen',
	callbacks: 'Callbacks screen',
	form: 'Hook form',
	'form-choice': 'Hook form: model, signals, method, content type, enabled',
	'form-text': 'Hook form: text fields',
	preview: 'Preview of a request',
	prompt: 'Search and name prompts',
	confirm: 'Confirmations',
	help: 'This help',
};

export const keymap: Binding[] = [
	{context: 'global', action: 'showHooks', keys: ['1'], label: 'hooks', description: 'Show the hooks screen'},
	{context: 'global', action: 'showSignals', keys: ['2'], label: 'signals', description: 'Show the signals screen'},
	{context: 'global', action: 'showCallbacks', keys: ['3'], label: 'callbacks', description: 'Show the callbacks screen'},
	{context: 'global', action: 'help', keys: ['?'], label: 'help', description: 'Show the keys of this screen', footer: true},
	{context: 'global', action: 'quit', keys: ['q'], label: 'quit', description: 'Quit (Ctrl-C quits from anywhere, exit code 130)', footer: true},

	{context: 'navigate', action: 'up', keys: ['up', 'k'], label: 'up', description: 'Move up one row'},
	{context: 'navigate', action: 'down', keys: ['down', 'j'], label: 'down', description: 'Move down one row'},
	{context: 'navigate', action: 'pageUp', keys: ['pageup'], label: 'page up', description: 'Move up one page'},
	{context: 'navigate', action: 'pageDown', keys: ['pagedown'], label: 'page down', description: 'Move down one page'},
	{context: 'navigate', action: 'first', keys: ['g', 'home'], label: 'top', description: 'Go to the first row'},
	{context: 'navigate', action: 'last', keys: ['G', 'end'], label: 'bottom', description: 'Go to the last row loaded (older rows load as you go down)'},

	{context: 'list', action: 'open', keys: ['enter'], label: 'details', description: 'Open the detail pane of the row', footer: true},
	{context: 'list', action: 'switchPane', keys: ['tab'], label: 'pane', description: 'Move to the detail pane'},

	{context: 'detail', action: 'switchPane', keys: ['tab'], label: 'pane', description: 'Back to the list', footer: true},
	{context: 'detail', action: 'back', keys: ['escape'], label: 'back', description: 'Back to the list', footer: true},

	{context: 'hooks', action: 'newHook', keys: ['n'], label: 'new', description: 'Create a hook', footer: true},
	{context: 'hooks', action: 'editHook', keys: ['e'], label: 'edit', description: 'Edit the hook', footer: true},
	{context: 'hooks', action: 'toggleHook', keys: ['space'], label: 'enable/disable', description: 'Enable or disable the hook', footer: true},
	{context: 'hooks', action: 'deleteHook', keys: ['d'], label: 'delete', description: 'Delete the hook (asks first; its callbacks stay)', footer: true},
	{context: 'hooks', action: 'hookCallbacks', keys: ['c'], label: 'callbacks', description: 'Show the callbacks of the hook', footer: true},
	{context: 'hooks', action: 'search', keys: ['/'], label: 'search', description: 'Filter by text in the hook name, model, signals or URL (empty: every hook)'},
	{context: 'hooks', action: 'preview', keys: ['v'], label: 'preview', description: 'Preview the request the hook would send for a record id typed in (sends nothing)'},

	{context: 'signals', action: 'newSignal', keys: ['n'], label: 'new signal', description: 'Add a custom signal', footer: true},
	{context: 'signals', action: 'deleteSignal', keys: ['d'], label: 'delete', description: 'Delete the custom signal (asks first; refused, with the hooks named, while a hook uses it)', footer: true},

	{context: 'callbacks', action: 'cycleStatus', keys: ['s'], label: 'status', description: 'Filter by status: all, waiting, sending, sent, error, cancelled', footer: true},
	{context: 'callbacks', action: 'search', keys: ['/'], label: 'search', description: 'Filter by text in the hook name, URL or status details', footer: true},
	{context: 'callbacks', action: 'clearFilter', keys: ['x'], label: 'clear', description: 'Clear every filter', footer: true},
	{context: 'callbacks', action: 'pause', keys: ['p'], label: 'pause', description: 'Pause or resume the live refresh', footer: true},
	{context: 'callbacks', action: 'resend', keys: ['r'], label: 'resend', description: 'Resend the callback (back in the queue, due now)', footer: true},
	{context: 'callbacks', action: 'resendAll', keys: ['R'], label: 'resend all', description: 'Resend every callback of the current filter (asks first, with the count)', footer: true},
	{context: 'callbacks', action: 'cancelCallback', keys: ['c'], label: 'cancel', description: 'Cancel the callback: never sent then (asks first)'},
	{context: 'callbacks', action: 'cancelAll', keys: ['C'], label: 'cancel all', description: 'Cancel every waiting or sending callback of the current filter (asks first, with the count)'},

	{context: 'form', action: 'nextField', keys: ['down', 'tab'], label: 'next', description: 'Next field', footer: true},
	{context: 'form', action: 'previousField', keys: ['up', 'shift+tab'], label: 'previous', description: 'Previous field'},
	{context: 'form', action: 'save', keys: ['ctrl+s'], label: 'save', description: 'Validate and save the hook', footer: true},
	{context: 'form', action: 'preview', keys: ['ctrl+p'], label: 'preview', description: 'Preview the request of the hook as typed (not saved) for a record id typed in', footer: true},
	{context: 'form', action: 'cancel', keys: ['escape'], label: 'cancel', description: 'Leave the form (asks first when something changed)', footer: true},

	{context: 'form-choice', action: 'choosePrevious', keys: ['left'], label: 'previous', description: 'Previous choice, or previous signal'},
	{context: 'form-choice', action: 'chooseNext', keys: ['right'], label: 'choose', description: 'Next choice, or next signal', footer: true},
	{context: 'form-choice', action: 'toggleOption', keys: ['space'], label: 'toggle', description: 'Pick or drop the signal; flip enabled', footer: true},

	{context: 'form-text', action: 'caretLeft', keys: ['left'], label: 'left', description: 'Move the text cursor left'},
	{context: 'form-text', action: 'caretRight', keys: ['right'], label: 'right', description: 'Move the text cursor right'},
	{context: 'form-text', action: 'caretHome', keys: ['home'], label: 'start', description: 'Text cursor to the start'},
	{context: 'form-text', action: 'caretEnd', keys: ['end'], label: 'end', description: 'Text cursor to the end'},
	{context: 'form-text', action: 'deleteBack', keys: ['backspace'], label: 'delete', description: 'Delete the character before the cursor'},
	{context: 'form-text', action: 'newLine', keys: ['enter'], label: 'new line', description: 'New line in headers and payload template; next field elsewhere'},
	{context: 'form-text', action: 'externalEditor', keys: ['ctrl+e'], label: '$EDITOR', description: 'Edit the field in $VISUAL or $EDITOR', footer: true},

	{context: 'preview', action: 'closePreview', keys: ['escape'], label: 'back', description: 'Close the preview', footer: true},

	{context: 'prompt', action: 'submit', keys: ['enter'], label: 'apply', description: 'Apply', footer: true},
	{context: 'prompt', action: 'dismiss', keys: ['escape'], label: 'cancel', description: 'Cancel', footer: true},
	{context: 'prompt', action: 'deleteBack', keys: ['backspace'], label: 'delete', description: 'Delete the last character'},

	{context: 'confirm', action: 'yes', keys: ['y'], label: 'yes', description: 'Yes, do it', footer: true},
	{context: 'confirm', action: 'no', keys: ['n', 'escape'], label: 'no', description: 'No, leave it', footer: true},

	{context: 'help', action: 'closeHelp', keys: ['?', 'escape', 'q'], label: 'close', description: 'Close the help', footer: true},
];

/** Contexts where typed characters are text, not commands. */
export const textContexts: ReadonlySet<Context> = new Set(['form-text', 'prompt']);

const keyNames: Record<string, string> = {
	up: '↑', down: '↓', left: '←', right: '→', pageup: 'PgUp', pagedown: 'PgDn', home: 'Home', end: 'End',
	enter: 'Enter', escape: 'Esc', tab: 'Tab', 'shift+tab': 'Shift-Tab', space: 'Space', backspace: 'Backspace',
};

/** A key as people read it: `↑`, `PgDn`, `Ctrl-S`, `G`. */
export function displayKey(key: string): string {
	const ctrl = /^ctrl\+(.)$/.exec(key);
	if (ctrl) {
		return `Ctrl-${ctrl[1]!.toUpperCase()}`;
	}

	return keyNames[key] ?? key;
}

export function displayKeys(binding: Binding): string {
	return binding.keys.map(key => displayKey(key)).join('/');
}

/** The bindings of a set of contexts, most specific context first (as given). */
export function bindingsFor(contexts: readonly Context[]): Binding[] {
	return contexts.flatMap(context => keymap.filter(binding => binding.context === context));
}
