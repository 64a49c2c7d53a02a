import type {HookRecord} from './hook-store.js';
import {secretChange} from './hook-store.js';
import {comparable, hookFields} from './hook-fields.js';
import type {HookInput, ValidHook} from './validate-hook.js';

/** What ensureHook (and import-hooks) did with a hook. */
export type EnsureOutcome = 'created' | 'updated' | 'unchanged';

/** One field that differs; for a secret only that it changed (no values). */
export type FieldChange = {field: keyof HookInput; from: unknown; to: unknown; secret: boolean};

export type EnsureResult = {hook: HookRecord; outcome: EnsureOutcome; changes: FieldChange[]};

/**
 * The hook an input declares, given the hook of that name as it is (if any): every field the
 * input gives, its default when absent, except the fields kept when absent (`enabled`, and the
 * secrets). A new `secret` rotates: the current one keeps signing beside it for 24 h, as
 * rotateSecret does, unless the input gives `previousSecret` itself.
 */
export function declaredInput(input: HookInput, current: HookRecord | undefined): HookInput {
	if (!current) {
		return input;
	}

	const declared: HookInput = {...input};
	declared.enabled ??= current.enabled;
	if (input.previousSecret !== undefined || input.previousSecretExpiresAt !== undefined) {
		if (input.secret === undefined) {
			declared.secret = current.secret;
		}

		return declared;
	}

	if (input.secret === undefined) {
		return {...declared, secret: current.secret, previousSecret: current.previousSecret ?? null, previousSecretExpiresAt: current.previousSecretExpiresAt ?? null};
	}

	const change = secretChange(current, input.secret);
	return {
		...declared,
		previousSecret: 'previousSecret' in change ? change.previousSecret : current.previousSecret ?? null,
		previousSecretExpiresAt: 'previousSecretExpiresAt' in change ? change.previousSecretExpiresAt : current.previousSecretExpiresAt ?? null,
	};
}

/** The fields of `current` that the validated declaration changes, in the order of the field table. */
export function fieldChanges(current: HookRecord, valid: ValidHook): FieldChange[] {
	return hookFields
		.filter(field => comparable(field, current[field.key]) !== comparable(field, valid[field.key]))
		.map(field => ({field: field.key, from: current[field.key] ?? null, to: valid[field.key] ?? null, secret: Boolean(field.secret)}));
}
