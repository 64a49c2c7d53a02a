import {readFileSync} from 'node:fs';
import test from 'ava';
import type {Key} from 'ink';
import {footerHints} from '../cli/tui/components/footer.js';
import {helpLines} from '../cli/tui/components/help-overlay.js';
import {matchesKey, resolveKey, splitInput} from '../cli/tui/key-match.js';
import {keyTableMarkdown} from '../cli/tui/key-table.js';
import {bindingsFor, displayKey, keymap, type Context} from '../cli/tui/keymap.js';

const none: Key = {
	upArrow: false, downArrow: false, leftArrow: false, rightArrow: false, pageDown: false, pageUp: false, home: false, end: false,
	return: false, escape: false, ctrl: false, shift: false, tab: false, backspace: false, delete: false, meta: false,
	super: false, hyper: false, capsLock: false, numLock: false,
};
const press = (input: string, key: Partial<Key> = {}) => [input, {...none, ...key}] as const;

// The context sets the screens use: within each, a key may mean one thing only.
const contextSets: Context[][] = [
	['list', 'navigate', 'hooks', 'global'],
	['detail', 'navigate', 'hooks', 'global'],
	['navigate', 'signals', 'global'],
	['list', 'navigate', 'callbacks', 'global'],
	['detail', 'navigate', 'callbacks', 'global'],
	['form-text', 'form'],
	['form-choice', 'form'],
	['prompt'],
	['confirm'],
	['help', 'navigate'],
];

test('no key means two things in any set of contexts a screen uses', t => {
	for (const contexts of contextSets) {
		const seen = new Map<string, string>();
		for (const binding of bindingsFor(contexts)) {
			for (const key of binding.keys) {
				t.is(seen.get(key), undefined, `${key} is bound to ${seen.get(key)} and ${binding.action} in ${contexts.join('+')}`);
				seen.set(key, binding.action);
			}
		}
	}
});

test('every key name of the keymap is one the matcher knows', t => {
	const special = new Set(['up', 'down', 'left', 'right', 'pageup', 'pagedown', 'home', 'end', 'enter', 'escape', 'tab', 'shift+tab', 'space', 'backspace']);
	for (const binding of keymap) {
		for (const key of binding.keys) {
			t.true(special.has(key) || /^ctrl\+[a-z]$/.test(key) || [...key].length === 1, `unknown key name ${key} in ${binding.action}`);
		}
	}
});

test('keys resolve to the actions of their context', t => {
	const list: Context[] = ['list', 'navigate', 'callbacks', 'global'];
	t.like(resolveKey(list, ...press('j')), {action: 'down'});
	t.like(resolveKey(list, ...press('', {downArrow: true})), {action: 'down'});
	t.like(resolveKey(list, ...press('G', {shift: true})), {action: 'last'});
	t.like(resolveKey(list, ...press('R', {shift: true})), {action: 'resendAll'});
	t.like(resolveKey(list, ...press('r')), {action: 'resend'});
	t.like(resolveKey(list, ...press('', {return: true})), {action: 'open'});
	t.like(resolveKey(list, ...press('q')), {action: 'quit'});
	t.is(resolveKey(list, ...press('z')), undefined);
	t.like(resolveKey(['detail', 'navigate', 'callbacks', 'global'], ...press('', {escape: true, meta: true})), {action: 'back'});
	t.like(resolveKey(['list', 'navigate', 'hooks', 'global'], ...press(' ')), {action: 'toggleHook'});
});

test('in a text field, letters are text and only control keys are commands', t => {
	const text: Context[] = ['form-text', 'form'];
	t.deepEqual(resolveKey(text, ...press('q')), {text: 'q'});
	t.deepEqual(resolveKey(text, ...press('j')), {text: 'j'});
	t.deepEqual(resolveKey(text, ...press(' ')), {text: ' '});
	t.like(resolveKey(text, ...press('s', {ctrl: true})), {action: 'save'});
	t.like(resolveKey(text, ...press('e', {ctrl: true})), {action: 'externalEditor'});
	t.like(resolveKey(text, ...press('', {tab: true, shift: true})), {action: 'previousField'});
	t.like(resolveKey(text, ...press('', {delete: true})), {action: 'deleteBack'});
	t.like(resolveKey(['form-choice', 'form'], ...press(' ')), {action: 'toggleOption'});
	t.is(resolveKey(['form-choice', 'form'], ...press('q')), undefined);
});

test('keys that arrive together are split into presses, control keys apart', t => {
	const list: Context[] = ['list', 'navigate', 'hooks', 'global'];
	t.deepEqual(splitInput(list, ...press('jjk')).map(({input}) => input), ['j', 'j', 'k']);
	const withEnter = splitInput(list, ...press('jj\r'));
	t.is(withEnter.length, 3);
	t.true(withEnter[2]!.key.return);
	const typed = splitInput(['form-text', 'form'], ...press('ftp://x\u0013'));
	t.is(typed.length, 2);
	t.is(typed[0]!.input, 'ftp://x');
	t.true(typed[1]!.key.ctrl);
	t.like(resolveKey(['form-text', 'form'], typed[1]!.input, typed[1]!.key), {action: 'save'});
	t.true(matchesKey('G', ...press('G', {shift: true})));
	t.false(matchesKey('g', ...press('g', {ctrl: true})));
});

test('the footer shows the footer keys of the contexts, joined with " · "', t => {
	const hints = footerHints(['list', 'navigate', 'hooks', 'global']);
	t.is(hints, 'Enter details · n new · e edit · Space enable/disable · d delete · c callbacks · ? help · q quit');
	t.is(footerHints(['confirm']), 'y yes · n/Esc no');
});

test('the help lists every binding of the contexts, from the keymap', t => {
	const contexts: Context[] = ['list', 'navigate', 'callbacks', 'global'];
	const text = helpLines(contexts).map(line => line.text).join('\n');
	for (const binding of bindingsFor(contexts)) {
		t.true(text.includes(binding.description), binding.description);
	}

	t.is(displayKey('ctrl+s'), 'Ctrl-S');
	t.is(displayKey('pagedown'), 'PgDn');
});

test('the console page\'s key table is the keymap\'s', t => {
	const page = readFileSync(new URL('../docs/console.md', import.meta.url), 'utf8');
	t.true(page.includes(keyTableMarkdown()), 'docs/console.md lacks the current key table: paste the output of keyTableMarkdown() (cli/tui/key-table.ts)');
});
