import type {Model, ModelStatic} from 'sequelize';
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

/** A matched hook and its firing; `checked` once its condition was evaluated (`hook` then carries the verdict). */
export type PendingFiring = {hook: CompiledHook; firing: Firing; checked?: boolean};

// Whether building the hook's context loads an association (a query in the app's transaction).
function loadsAssociation({hook, firing}: PendingFiring): boolean {
	const {associations} = firing.instance.constructor as ModelStatic<Model>;
	return hook.instancePaths.some(([head]) => head !== undefined && Object.hasOwn(associations, head));
}

/**
 * The firings that may write a callback: conditions whose context needs no query are evaluated
 * at once, so a change no hook fires for runs no statement at all (on PostgreSQL, not even the
 * savepoint around the capture). The others are evaluated while building (conditionChecked).
 */
export async function fireable(pending: PendingFiring[]): Promise<PendingFiring[]> {
	const kept: PendingFiring[] = [];
	for (const item of pending) {
		if (!item.hook.condition || loadsAssociation(item)) {
			kept.push(item);
			continue;
		}

		const hook = await conditionChecked(item.hook, item.firing);
		if (hook) {
			kept.push({hook, firing: item.firing, checked: true});
		}
	}

	return kept;
}
