import {HttpHooksError, InvalidHookError, InvalidSignalError, quote} from '../errors.js';
import type {HttpHooks} from '../http-hooks.js';
import {customSignalName, isBuiltInSignal} from '../signals.js';
import type {SignalAttributes} from '../store/models.js';
import {declaredInput, fieldChanges, type EnsureOutcome, type FieldChange} from './ensure-hook.js';
import {checkFieldJson, hookFields, hookFieldKeys} from './hook-fields.js';
import type {HookRecord} from './hook-store.js';
import {validateHook, type HookInput} from './validate-hook.js';

export const documentFormat = 'sequelize-http-hooks/hooks@1';

/** A hook as a document holds it: the fields of the table; without secrets, `signed` says whether it had one. */
export type DocumentHook = Partial<Record<keyof HookInput, unknown>> & {signed?: boolean};

/** Hooks and custom signals as JSON, for version control and for moving between databases. */
export type HookDocument = {format: string; exportedAt?: string; signals: string[]; hooks: DocumentHook[]};

/** The hooks and custom signals as a document; signing secrets only with `includeSecrets`. */
export function exportHooks(hooks: HookRecord[], signals: SignalAttributes[], {includeSecrets = false}: {includeSecrets?: boolean} = {}): HookDocument {
	return {
		format: documentFormat,
		exportedAt: new Date().toISOString(),
		signals: signals.filter(signal => !signal.builtIn).map(signal => signal.name).sort(),
		hooks: hooks.map(hook => documentHook(hook, includeSecrets)),
	};
}

/** One hook as a document entry (also what create-hook and update-hook print with --json). */
export function documentHook(hook: HookRecord, includeSecrets = false): DocumentHook {
	const entry: DocumentHook = {};
	for (const field of hookFields) {
		if (field.secret && !includeSecrets) {
			continue;
		}

		const value = hook[field.key] ?? null;
		entry[field.key] = value instanceof Date ? value.toISOString() : field.key === 'signals' ? [...hook.signals].sort() : value;
	}

	if (!includeSecrets) {
		entry.signed = hook.secret !== null;
	}

	return entry;
}

const topKeys = new Set(['format', 'exportedAt', 'signals', 'hooks']);

/**
 * A document read from JSON text and checked in shape: a bad one throws InvalidHookError naming
 * the place (`hooks[2].rateLimit`) and the value. The values themselves are checked when planned.
 */
export function parseHookDocument(text: string, source = 'The document'): {signals: string[]; hooks: Array<{input: HookInput; signed?: boolean}>} {
	let data: unknown;
	try {
		data = JSON.parse(text);
	} catch (error) {
		throw new InvalidHookError(`${source} is not valid JSON: ${(error as Error).message}`);
	}

	if (data === null || typeof data !== 'object' || Array.isArray(data)) {
		throw new InvalidHookError(`${source} must be a JSON object with "hooks" (and "signals"), got ${quote(data)}`);
	}

	const document = data as Record<string, unknown>;
	for (const key of Object.keys(document)) {
		if (!topKeys.has(key)) {
			throw new InvalidHookError(`${source} has an unknown field ${quote(key)}; known: ${[...topKeys].join(', ')}`);
		}
	}

	if (document['format'] !== undefined && document['format'] !== documentFormat) {
		throw new InvalidHookError(`${source} has format ${quote(document['format'])}; this version reads ${quote(documentFormat)}`);
	}

	const signals = document['signals'] ?? [];
	if (!Array.isArray(signals) || !signals.every(name => typeof name === 'string')) {
		throw new InvalidHookError(`"signals" must be a list of custom signal names, got ${quote(signals)}`);
	}

	for (const name of signals as string[]) {
		if (!customSignalName.test(name) || isBuiltInSignal(name)) {
			throw new InvalidSignalError(`signals: ${quote(name)} is not a custom signal name (dotted words such as "orders.shipped")`);
		}
	}

	const hooks = document['hooks'];
	if (!Array.isArray(hooks)) {
		throw new InvalidHookError(`"hooks" must be a list of hooks, got ${quote(hooks)}`);
	}

	const names = new Set<string>();
	const parsed = hooks.map((entry: unknown, index) => {
		const where = `hooks[${index}].`;
		if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) {
			throw new InvalidHookError(`hooks[${index}] must be an object with the hook's fields, got ${quote(entry)}`);
		}

		const input: Record<string, unknown> = {};
		let signed: boolean | undefined;
		for (const [key, value] of Object.entries(entry as Record<string, unknown>)) {
			if (key === 'signed') {
				if (typeof value !== 'boolean') {
					throw new InvalidHookError(`${where}signed must be true or false, got ${quote(value)}`);
				}

				signed = value;
				continue;
			}

			const field = hookFields.find(each => each.key === key);
			if (!field) {
				throw new InvalidHookError(`${where}${key} is not a hook field (${quote(key)}); known: ${[...hookFieldKeys].join(', ')}`);
			}

			input[key] = checkFieldJson(field, value, where);
		}

		for (const field of hookFields.filter(each => each.required)) {
			if (input[field.key] === undefined) {
				throw new InvalidHookError(`${where}${field.key} is missing: every hook needs ${hookFields.filter(each => each.required).map(each => each.key).join(', ')}`);
			}
		}

		const name = (input['name'] as string).trim();
		if (names.has(name)) {
			throw new InvalidHookError(`${where}name ${quote(name)} appears twice: hooks are matched by name`);
		}

		names.add(name);
		return {input: input as HookInput, signed};
	});
	return {signals: signals as string[], hooks: parsed};
}

export type ImportStep = {name: string; outcome: EnsureOutcome; id?: number; changes: FieldChange[]; notes: string[]};
export type ImportPlan = {signals: string[]; hooks: ImportStep[]};

/**
 * What importing a document would do, every hook validated as createHook validates (the
 * document's signals count as defined): nothing is written. A bad hook throws, naming it.
 */
export async function planImport(httpHooks: HttpHooks, document: ReturnType<typeof parseHookDocument>): Promise<ImportPlan> {
	const existing = await httpHooks.listHooks();
	const context = await httpHooks.hooks.validationContext();
	const newSignals = document.signals.filter(name => !context.signalNames.has(name));
	context.signalNames = new Set([...context.signalNames, ...document.signals]);
	const steps: ImportStep[] = [];
	for (const [index, {input, signed}] of document.hooks.entries()) {
		const name = input.name.trim();
		const matches = existing.filter(hook => hook.name === name);
		if (matches.length > 1) {
			throw new InvalidHookError(`hooks[${index}]: ${matches.length} hooks are named ${quote(name)} (ids ${matches.map(hook => hook.id).join(', ')}); hooks are matched by name: rename or delete all but one`);
		}

		const current = matches[0];
		let valid;
		try {
			valid = await validateHook(declaredInput(input, current), context);
		} catch (error) {
			if (error instanceof HttpHooksError) {
				error.message = `hooks[${index}] (${quote(name)}): ${error.message}`;
			}

			throw error;
		}

		const notes = !current && signed && input.secret === undefined
			? ['created unsigned: its secret is not in the document (export with --include-secrets, or set one with update-hook --secret)']
			: [];
		if (!current) {
			steps.push({name, outcome: 'created', changes: [], notes});
			continue;
		}

		const changes = fieldChanges(current, valid);
		steps.push({name, id: current.id, outcome: changes.length > 0 ? 'updated' : 'unchanged', changes, notes});
	}

	return {signals: newSignals, hooks: steps};
}

/** Apply a document: its custom signals are created, then each hook ensured by name (see ensureHook). */
export async function applyImport(httpHooks: HttpHooks, document: ReturnType<typeof parseHookDocument>, plan: ImportPlan): Promise<ImportPlan> {
	for (const name of document.signals) {
		await httpHooks.createSignal(name);
	}

	const steps: ImportStep[] = [];
	for (const [index, {input}] of document.hooks.entries()) {
		const {hook, outcome, changes} = await httpHooks.ensureHook(input);
		steps.push({name: hook.name, id: hook.id, outcome, changes, notes: plan.hooks[index]?.notes ?? []});
	}

	return {signals: plan.signals, hooks: steps};
}
