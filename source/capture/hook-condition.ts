import {templateContext, type Firing} from '../payload/build-request.js';
import type {CompiledHook} from './compile-hook.js';

/**
 * The hook to build a firing's callback with, or undefined when the hook's condition does not
 * hold (no callback at all). A condition that cannot be evaluated behaves like a payload that
 * cannot be built: the callback is built with that problem, so it is stored as an `error` with
 * the reason (or, with raiseExceptions, fails the write).
 */
export async function conditionChecked(hook: CompiledHook, firing: Firing): Promise<CompiledHook | undefined> {
	if (!hook.condition) {
		return hook;
	}

	try {
		return hook.condition.holds(await templateContext(hook, firing)) ? hook : undefined;
	} catch (error) {
		return {...hook, problem: error as Error};
	}
}
