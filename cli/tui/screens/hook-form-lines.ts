import {mask, maskUrl} from '../../../source/operations/mask-credentials.js';
import {wrapLines} from '../format.js';
import {maskHeaderText} from '../mask-headers.js';
import {formFields, type FormField, type FormState} from '../state/hook-form-state.js';
import type {Theme} from '../theme.js';

export type Segment = {text: string; color?: string; inverse?: boolean; bold?: boolean; dim?: boolean};
export type FormLine = Segment[];

const labelWidth = 18;
const indent = ' '.repeat(labelWidth + 2);

/** Text with the caret shown (inverse) at `caret`, cut to `width` around the caret. */
function caretLine(text: string, caret: number, width: number): Segment[] {
	const start = Math.max(0, caret - width + 1);
	const shown = text.slice(start, start + width);
	const at = caret - start;
	return [{text: shown.slice(0, at)}, {text: shown[at] ?? ' ', inverse: true}, {text: shown.slice(at + 1)}];
}

function valueLines(field: FormField, state: FormState, focused: boolean, width: number, theme: Theme): Segment[][] {
	const {values, options} = state;
	switch (field.kind) {
		case 'text': {
			const text = values[field.key as 'name'];
			if (focused) {
				// A secret is typed blind, like a password: one dot per character.
				return [caretLine(field.secret ? '•'.repeat(text.length) : text, state.caret, width)];
			}

			if (text === '') {
				return [[{text: field.secret ? '(none)' : '(empty)', dim: true}]];
			}

			// Like the headers, the URL shows its credentials only while it is being edited.
			return [[{text: field.secret ? `${mask} set (never shown)` : field.key === 'targetUrl' ? maskUrl(text) : text}]];
		}

		case 'multiline': {
			const text = values[field.key as 'headers'];
			const shownText = field.key === 'headers' && !focused ? maskHeaderText(text) : text;
			const lines = shownText.split('\n');
			if (!focused) {
				if (text === '') {
					return [[{text: '(empty)', dim: true}]];
				}

				const head = lines.slice(0, 3).map(line => [{text: line}]);
				return lines.length > 3 ? [...head, [{text: `… ${lines.length - 3} more lines (Ctrl-E opens $EDITOR)`, dim: true}]] : head;
			}

			// The caret's line and column; a window of up to 8 lines around it.
			const before = text.slice(0, state.caret).split('\n');
			const row = before.length - 1;
			const column = before.at(-1)!.length;
			const first = Math.max(0, row - 7);
			return lines.slice(first, first + 8).map((line, index) => first + index === row ? caretLine(line, column, width) : [{text: line}]);
		}

		case 'choice': {
			const list = field.key === 'model' ? options.models : field.key === 'httpMethod' ? options.methods : options.contentTypes;
			const value = values[field.key as 'model'];
			if (field.key === 'model' && list.length === 0) {
				return [[{text: '(no models registered: start the app with registerHttpHooks once)', color: theme.tone('error')}]];
			}

			const shown = value === '' ? 'none' : value;
			return [focused ? [{text: '‹ '}, {text: shown, inverse: true}, {text: ` ›  (${list.indexOf(value) + 1} of ${list.length})`, dim: true}] : [{text: shown}]];
		}

		case 'multi': {
			// Signals as check boxes, wrapped onto as many lines as they need.
			const lines: Segment[][] = [[]];
			let used = 0;
			options.signals.forEach((signal, index) => {
				const chip = `[${values.signals.includes(signal) ? 'x' : ' '}] ${signal}`;
				if (used > 0 && used + chip.length + 2 > width) {
					lines.push([]);
					used = 0;
				}

				lines.at(-1)!.push({text: chip, inverse: focused && index === state.option}, {text: '  '});
				used += chip.length + 2;
			});
			return options.signals.length === 0 ? [[{text: '(no signals)', dim: true}]] : lines;
		}

		case 'toggle': {
			if (field.key === 'ordered') {
				const on = values.ordered;
				return [[{text: `[${on ? 'x' : ' '}] `}, {text: on ? 'per record, in creation order' : 'any order (fastest)', inverse: focused}]];
			}

			const on = values.enabled;
			return [[{text: `[${on ? 'x' : ' '}] `}, {text: on ? 'enabled' : 'disabled', color: theme.enabled(on), inverse: focused}]];
		}
	}
}

/**
 * The form as lines: label, value (the caret in the focused field), and the field's error
 * beside it on the next line. `focusStart`/`focusEnd` say which lines the focused field takes,
 * so the view can keep it in sight.
 */
export function formLines(state: FormState, width: number, theme: Theme): {lines: FormLine[]; focusStart: number; focusEnd: number} {
	const lines: FormLine[] = [];
	let focusStart = 0;
	let focusEnd = 0;
	const valueWidth = Math.max(10, width - labelWidth - 4);
	formFields.forEach((field, index) => {
		const focused = index === state.focus;
		if (focused) {
			focusStart = lines.length;
		}

		const values = valueLines(field, state, focused, valueWidth, theme);
		values.forEach((value, row) => {
			const label = row === 0 ? `${focused ? '▶' : ' '} ${field.label.padEnd(labelWidth)}` : indent;
			lines.push([{text: label, bold: focused}, ...value]);
		});
		const error = state.errors[field.key];
		if (error) {
			for (const line of wrapLines(`✗ ${error}`, valueWidth)) {
				lines.push([{text: indent}, {text: line, color: theme.tone('error'), bold: true}]);
			}
		} else if (focused && field.hint) {
			lines.push([{text: indent}, {text: field.hint, dim: true}]);
		}

		if (focused) {
			focusEnd = lines.length;
		}
	});
	return {lines, focusStart, focusEnd};
}
