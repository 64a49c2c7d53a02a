import {HttpHooksError, InvalidHeadersError, InvalidHookError, InvalidPayloadError, InvalidSignalError} from '../source/errors.js';
import {flagName, hookFields, parseFieldText} from '../source/hooks/hook-fields.js';
import type {HookInput} from '../source/hooks/validate-hook.js';
import {InvalidNumberError, ranges} from '../source/numbers.js';
import {UsageError, type FlagSpec} from './command.js';
import {integerFlag} from './flag-values.js';

/** A flag per hook field, from the one field table; `required` marks those create-hook needs. */
export function hookFieldFlags({create}: {create: boolean}): Record<string, FlagSpec> {
	return Object.fromEntries(hookFields.map(field => [field.key, {
		type: 'string',
		isMultiple: field.kind === 'list' ? true : undefined,
		description: `${create && field.required ? '(required) ' : ''}${field.description}`,
	} satisfies FlagSpec]));
}

/** The help lines listing the field flags, for commands that say which are which. */
export function fieldFlagList(): string {
	return hookFields.map(field => `--${flagName(field.key)}`).join(', ');
}

/** The hook fields given as flags (only those given), parsed; a bad value is a usage error naming the flag. */
export function hookInputFromFlags(flags: Record<string, unknown>): Partial<HookInput> {
	const input: Record<string, unknown> = {};
	for (const field of hookFields) {
		const value = flags[field.key] as string | string[] | undefined;
		if (value === undefined || (Array.isArray(value) && value.length === 0)) {
			continue;
		}

		input[field.key] = asUsage(() => parseFieldText(field, value));
	}

	return input as Partial<HookInput>;
}

/** `--hook-id N`, required. */
export function hookIdFlag(flags: Record<string, unknown>): number {
	if (flags['hookId'] === undefined) {
		throw new UsageError('--hook-id N is required: the id of the hook (see `hooks list-hooks`)');
	}

	return integerFlag('--hook-id', flags['hookId'], ranges.id);
}

export const hookIdFlagSpec: Record<string, FlagSpec> = {
	hookId: {type: 'string', description: 'The id of the hook (see `hooks list-hooks`); one that does not exist is exit 1'},
};

const inputErrors = [InvalidHookError, InvalidSignalError, InvalidPayloadError, InvalidHeadersError, InvalidNumberError];

/** Whether an error says the input is wrong (a field's value), not that something is missing or in use. */
export function isInputError(error: unknown): error is HttpHooksError {
	return inputErrors.some(type => error instanceof type);
}

/** Run `work`; an error about a bad field value becomes a usage error (exit 2) with the library's message. */
export function asUsage<T>(work: () => T): T {
	try {
		return work();
	} catch (error) {
		throw isInputError(error) ? new UsageError(error.message) : error;
	}
}

/** The same for async work. */
export async function asUsageAsync<T>(work: () => Promise<T>): Promise<T> {
	try {
		return await work();
	} catch (error) {
		throw isInputError(error) ? new UsageError(error.message) : error;
	}
}
