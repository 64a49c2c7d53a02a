import type {HookRecord} from '../../../source/hooks/hook-store.js';
import type {HookInput} from '../../../source/hooks/validate-hook.js';
import {emptyLimits, limitInput, limitValuesOf, type LimitValues} from './limit-fields.js';

export type FieldKey = 'name' | 'model' | 'signals' | 'targetUrl' | 'httpMethod' | 'contentType' | 'headers' | 'payloadTemplate' | 'serializerClass' | 'condition' | 'secret' | 'ordered' | 'rateLimit' | 'maxInFlight' | 'maxAttempts' | 'retryDelays' | 'enabled';
export type FieldKind = 'text' | 'multiline' | 'choice' | 'multi' | 'toggle';
export type FormField = {key: FieldKey; label: string; kind: FieldKind; hint?: string; secret?: boolean};

/** Every field of a hook, in form order. */
export const formFields: FormField[] = [
	{key: 'name', label: 'Name', kind: 'text'},
	{key: 'model', label: 'Model', kind: 'choice', hint: 'models the app registered'},
	{key: 'signals', label: 'Signals', kind: 'multi'},
	{key: 'targetUrl', label: 'Target URL', kind: 'text'},
	{key: 'httpMethod', label: 'Method', kind: 'choice'},
	{key: 'contentType', label: 'Content type', kind: 'choice'},
	{key: 'headers', label: 'Headers', kind: 'multiline', hint: 'Key: value, one a line'},
	{key: 'payloadTemplate', label: 'Payload template', kind: 'multiline', hint: 'nunjucks; empty: serializer or default payload'},
	{key: 'serializerClass', label: 'Serializer', kind: 'text', hint: 'registered name, or ./file.js#Export where the app opts in'},
	{key: 'condition', label: 'Condition', kind: 'text', hint: 'nunjucks expression, e.g. \'status\' in changed and instance.status == \'shipped\'; false: no callback; empty: every change'},
	{key: 'secret', label: 'Secret', kind: 'text', secret: true, hint: 'whsec_… signs requests; empty: unsigned; a new one rotates (the old one signs 24 h more)'},
	{key: 'ordered', label: 'Ordered', kind: 'toggle', hint: 'per record: each record\'s callbacks in creation order'},
	{key: 'rateLimit', label: 'Rate limit', kind: 'text', hint: 'requests per second, all senders together (e.g. 20, or 0.5); empty: none'},
	{key: 'maxInFlight', label: 'Max in flight', kind: 'text', hint: 'requests at once, all senders together; empty: no cap'},
	{key: 'maxAttempts', label: 'Max attempts', kind: 'text', hint: 'attempts per callback, the first included; empty: the sender\'s setting'},
	{key: 'retryDelays', label: 'Retry delays', kind: 'text', hint: 'ms after each failure, e.g. 5000, 60000 (the last repeats); empty: the sender\'s'},
	{key: 'enabled', label: 'Enabled', kind: 'toggle'},
];

export type FormValues = LimitValues & {
	name: string;
	model: string;
	signals: string[];
	targetUrl: string;
	httpMethod: string;
	/** '' is none. */
	contentType: string;
	headers: string;
	payloadTemplate: string;
	serializerClass: string;
	condition: string;
	secret: string;
	ordered: boolean;
	enabled: boolean;
};

type TextKey = 'name' | 'targetUrl' | 'headers' | 'payloadTemplate' | 'serializerClass' | 'condition' | 'secret' | keyof LimitValues;

export type FormOptions = {models: string[]; signals: string[]; methods: readonly string[]; contentTypes: readonly string[]};

export type FormState = {
	/** The hook being edited; undefined when creating one. */
	editingId?: number;
	/** The hook as it was loaded: saves are conditional on it being unchanged since. */
	loaded?: HookRecord;
	values: FormValues;
	initial: FormValues;
	options: FormOptions;
	focus: number;
	/** The text cursor in the focused text field. */
	caret: number;
	/** The highlighted signal in the signals field. */
	option: number;
	errors: Partial<Record<FieldKey, string>>;
	/** An error that belongs to no field (the database, say). */
	formError?: string;
	saving: boolean;
};

export type FormAction =
	| {type: 'next'} | {type: 'previous'} | {type: 'focus'; key: FieldKey}
	| {type: 'type'; text: string} | {type: 'deleteBack'} | {type: 'newLine'}
	| {type: 'caret'; to: 'left' | 'right' | 'home' | 'end'}
	| {type: 'choose'; by: 1 | -1} | {type: 'toggle'}
	| {type: 'set'; key: TextKey; value: string}
	| {type: 'saving'}
	| {type: 'failed'; field?: string; message: string};

export const emptyValues: FormValues = {
	name: '', model: '', signals: [], targetUrl: '', httpMethod: 'POST', contentType: 'application/json',
	headers: '', payloadTemplate: '', serializerClass: '', condition: '', secret: '', ordered: false, enabled: true, ...emptyLimits,
};

export function valuesOf(hook: HookRecord): FormValues {
	return {
		name: hook.name,
		model: hook.model,
		signals: [...hook.signals],
		targetUrl: hook.targetUrl,
		httpMethod: hook.httpMethod,
		contentType: hook.contentType ?? '',
		headers: hook.headers,
		payloadTemplate: hook.payloadTemplate ?? '',
		serializerClass: hook.serializerClass ?? '',
		condition: hook.condition ?? '',
		secret: hook.secret ?? '',
		ordered: hook.ordered ?? false,
		enabled: hook.enabled,
		...limitValuesOf(hook),
	};
}

/** A form for a new hook (no `hook`) or for editing one. */
export function initialForm(options: FormOptions, hook?: HookRecord): FormState {
	const values = hook ? valuesOf(hook) : {...emptyValues, model: options.models[0] ?? ''};
	// A hook may name a model or signal no app recorded (yet): keep it choosable.
	const models = values.model && !options.models.includes(values.model) ? [...options.models, values.model] : options.models;
	const signals = [...options.signals, ...values.signals.filter(signal => !options.signals.includes(signal))];
	return {
		editingId: hook?.id, loaded: hook, values, initial: values, options: {...options, models, signals},
		focus: 0, caret: values.name.length, option: 0, errors: {}, saving: false,
	};
}

export function focusedField(state: FormState): FormField {
	return formFields[state.focus]!;
}

export function isDirty(state: FormState): boolean {
	return JSON.stringify(state.values) !== JSON.stringify(state.initial);
}

/** The form's values as createHook / updateHook take them. */
export function toHookInput(values: FormValues): HookInput {
	const orNull = (text: string) => text.trim() === '' ? null : text;
	return {
		name: values.name,
		model: values.model,
		signals: values.signals,
		targetUrl: values.targetUrl,
		httpMethod: values.httpMethod,
		contentType: orNull(values.contentType),
		headers: values.headers,
		payloadTemplate: orNull(values.payloadTemplate),
		serializerClass: orNull(values.serializerClass),
		condition: orNull(values.condition),
		secret: orNull(values.secret),
		ordered: values.ordered,
		enabled: values.enabled,
		...limitInput(values),
	};
}

/**
 * The fields the editor changed, as updateHook takes them: only these are written, so a field
 * someone else changed meanwhile is never written back as it was loaded.
 */
export function changedInput(state: FormState): Partial<HookInput> {
	const now = toHookInput(state.values);
	const before = toHookInput(state.initial);
	const changes: Record<string, unknown> = {};
	for (const key of Object.keys(now) as Array<keyof HookInput>) {
		const same = key === 'signals'
			? JSON.stringify([...now.signals].sort()) === JSON.stringify([...before.signals].sort())
			: JSON.stringify(now[key]) === JSON.stringify(before[key]);
		if (!same) {
			changes[key] = now[key];
		}
	}

	return changes as Partial<HookInput>;
}

function textOf(state: FormState): string | undefined {
	const field = focusedField(state);
	return field.kind === 'text' || field.kind === 'multiline' ? state.values[field.key as TextKey] : undefined;
}

function moveFocus(state: FormState, focus: number): FormState {
	const next = {...state, focus: (focus + formFields.length) % formFields.length, option: 0};
	return {...next, caret: textOf(next)?.length ?? 0};
}

function edit(state: FormState, key: FieldKey, values: Partial<FormValues>, caret = state.caret): FormState {
	const {[key]: _cleared, ...errors} = state.errors;
	return {...state, values: {...state.values, ...values}, errors, caret, formError: undefined};
}

function choose(options: readonly string[], current: string, by: number): string {
	if (options.length === 0) {
		return current;
	}

	const index = options.indexOf(current);
	return options[((index === -1 ? (by > 0 ? -1 : 0) : index) + by + options.length) % options.length]!;
}

export function hookFormReducer(state: FormState, action: FormAction): FormState {
	const field = focusedField(state);
	const text = textOf(state);
	switch (action.type) {
		case 'next': return moveFocus(state, state.focus + 1);
		case 'previous': return moveFocus(state, state.focus - 1);
		case 'focus': return moveFocus(state, formFields.findIndex(candidate => candidate.key === action.key));
		case 'type': {
			if (text === undefined) {
				return state;
			}

			const typed = field.kind === 'multiline' ? action.text.replaceAll(/\r\n?/g, '\n') : action.text.replaceAll(/[\r\n]+/g, ' ');
			return edit(state, field.key, {[field.key]: text.slice(0, state.caret) + typed + text.slice(state.caret)}, state.caret + typed.length);
		}

		case 'deleteBack': {
			if (text === undefined || state.caret === 0) {
				return state;
			}

			return edit(state, field.key, {[field.key]: text.slice(0, state.caret - 1) + text.slice(state.caret)}, state.caret - 1);
		}

		case 'newLine': return field.kind === 'multiline' ? hookFormReducer(state, {type: 'type', text: '\n'}) : moveFocus(state, state.focus + 1);
		case 'caret': {
			if (text === undefined) {
				return state;
			}

			const to = {left: state.caret - 1, right: state.caret + 1, home: 0, end: text.length}[action.to];
			return {...state, caret: Math.min(Math.max(0, to), text.length)};
		}

		case 'choose': {
			switch (field.key) {
				case 'model': return edit(state, 'model', {model: choose(state.options.models, state.values.model, action.by)});
				case 'httpMethod': return edit(state, 'httpMethod', {httpMethod: choose(state.options.methods, state.values.httpMethod, action.by)});
				case 'contentType': return edit(state, 'contentType', {contentType: choose(state.options.contentTypes, state.values.contentType, action.by)});
				case 'signals': {
					const count = state.options.signals.length;
					return count === 0 ? state : {...state, option: (state.option + action.by + count) % count};
				}

				case 'enabled': return edit(state, 'enabled', {enabled: !state.values.enabled});
				case 'ordered': return edit(state, 'ordered', {ordered: !state.values.ordered});
				default: return state;
			}
		}

		case 'toggle': {
			if (field.key === 'signals') {
				const signal = state.options.signals[state.option];
				if (signal === undefined) {
					return state;
				}

				const has = state.values.signals.includes(signal);
				const signals = has ? state.values.signals.filter(name => name !== signal) : [...state.values.signals, signal];
				return edit(state, 'signals', {signals});
			}

			return field.kind === 'choice' || field.kind === 'toggle' ? hookFormReducer(state, {type: 'choose', by: 1}) : state;
		}

		case 'set': {
			const next = edit(state, action.key, {[action.key]: action.value});
			return field.key === action.key ? {...next, caret: action.value.length} : next;
		}

		case 'saving': return {...state, saving: true, errors: {}, formError: undefined};
		case 'failed': {
			const index = formFields.findIndex(candidate => candidate.key === action.field);
			if (index === -1) {
				return {...state, saving: false, formError: action.message};
			}

			return {...moveFocus(state, index), saving: false, errors: {[action.field as FieldKey]: action.message}};
		}
	}
}
