import type {Key} from 'ink';
import {bindingsFor, textContexts, type Action, type Binding, type Context} from './keymap.js';

/** What one key press means in a set of contexts: an action, typed text, or nothing. */
export type KeyEvent = {action: Action; binding: Binding} | {text: string} | undefined;

/** True when the key press is the named key of the keymap (`up`, `shift+tab`, `ctrl+s`, `G`, …). */
export function matchesKey(name: string, input: string, key: Key): boolean {
	switch (name) {
		case 'up': return key.upArrow;
		case 'down': return key.downArrow;
		case 'left': return key.leftArrow;
		case 'right': return key.rightArrow;
		case 'pageup': return key.pageUp;
		case 'pagedown': return key.pageDown;
		case 'home': return key.home;
		case 'end': return key.end;
		case 'enter': return key.return;
		case 'escape': return key.escape;
		case 'tab': return key.tab && !key.shift;
		case 'shift+tab': return key.tab && key.shift;
		case 'space': return input === ' ' && !key.ctrl && !key.meta;
		// Most terminals send DEL (0x7f) for Backspace, which Ink reports as `delete`.
		case 'backspace': return key.backspace || key.delete;
		default: {
			const ctrl = /^ctrl\+(.)$/.exec(name);
			if (ctrl) {
				return key.ctrl && input === ctrl[1];
			}

			return input === name && !key.ctrl && !key.meta;
		}
	}
}

/** Printable text of a key press, or '' for a control key. */
function textOf(input: string, key: Key): string {
	if (key.ctrl || key.meta || key.escape || key.tab || key.return || key.backspace || key.delete) {
		return '';
	}

	return input.replaceAll(/[\u0000-\u0008\u000B-\u001F\u007F]/g, '');
}

/**
 * Resolve a key press against the contexts, first match wins. In a text context, a key bound to
 * nothing is typed text (so `q` in a text field is a letter, not quit).
 */
export function resolveKey(contexts: readonly Context[], input: string, key: Key): KeyEvent {
	for (const binding of bindingsFor(contexts)) {
		if (binding.keys.some(name => matchesKey(name, input, key))) {
			return {action: binding.action, binding};
		}
	}

	if (contexts.some(context => textContexts.has(context))) {
		const text = textOf(input, key);
		return text === '' ? undefined : {text};
	}

	return undefined;
}

const noKey: Key = {
	upArrow: false, downArrow: false, leftArrow: false, rightArrow: false, pageDown: false, pageUp: false, home: false, end: false,
	return: false, escape: false, ctrl: false, shift: false, tab: false, backspace: false, delete: false, meta: false,
	super: false, hyper: false, capsLock: false, numLock: false,
};

const controlCharacter = /[\u0000-\u001A\u007F]/;

/** The key of one control character: Enter, Tab, Backspace, or Ctrl and a letter. */
function controlKey(character: string): {input: string; key: Key} {
	const code = character.codePointAt(0)!;
	switch (character) {
		case '\r':
		case '\n': return {input: '', key: {...noKey, return: true}};
		case '\t': return {input: '', key: {...noKey, tab: true}};
		case '\b': return {input: '', key: {...noKey, backspace: true}};
		case '\u007F': return {input: '', key: {...noKey, delete: true}};
		default: return {input: String.fromCodePoint(code + 96), key: {...noKey, ctrl: true}};
	}
}

/**
 * Split one input chunk into key presses. Keys typed faster than the terminal is read (a paste,
 * tmux send-keys) arrive together: control characters (Enter, Tab, Ctrl-S) in them are keys of
 * their own, and outside text fields each character is its own command.
 */
export function splitInput(contexts: readonly Context[], input: string, key: Key): Array<{input: string; key: Key}> {
	if ([...input].length <= 1 || key.ctrl || key.meta || key.escape) {
		return [{input, key}];
	}

	const typing = contexts.some(context => textContexts.has(context));
	const presses: Array<{input: string; key: Key}> = [];
	for (const run of input.match(/[\u0000-\u001A\u007F]|[^\u0000-\u001A\u007F]+/g) ?? []) {
		if (controlCharacter.test(run)) {
			presses.push(controlKey(run));
		} else if (typing) {
			presses.push({input: run, key: {...noKey}});
		} else {
			presses.push(...[...run].map(character => ({input: character, key: {...noKey, shift: /[A-Z]/.test(character)}})));
		}
	}

	return presses;
}
