import type {Model, ModelStatic, Sequelize, Transaction} from 'sequelize';
import {HttpHooksError} from '../errors.js';
import {eventTypeOf} from '../signals.js';
import type {CompiledHook} from './compile-hook.js';
import type {HookCache} from './hook-cache.js';
import {conditionChecked, fireable} from './hook-condition.js';
import {writeHeldRowsOnCommit} from './pending-callbacks.js';
import {callbackRow} from './record-callbacks.js';
import {storeCallbacks} from './store-callbacks.js';

type Options = {transaction?: Transaction | null; model?: ModelStatic<Model>; individualHooks?: boolean};

export type CaptureSettings = {
	raiseExceptions: boolean;
	/** Names of the library's own models, which never fire. */
	ownModels: Set<string>;
	warn(message: string, error?: unknown): void;
};

export type Fire = (instance: Model, signals: readonly string[], options: {transaction?: Transaction | null; created?: boolean; args?: Record<string, unknown>}) => Promise<void>;

const hookName = 'sequelize-http-hooks';

// One capture per Sequelize instance: a second would write every callback twice.
const bound = new WeakSet<Sequelize>();

/**
 * Turn a firing into callback rows and insert them with the triggering transaction. A callback
 * that cannot be stored fails the write (see storeCallbacks): never a silent loss.
 */
export function firer(sequelize: Sequelize, cache: HookCache, settings: CaptureSettings): Fire {
	return async (instance, signals, {transaction, created = false, args}) => {
		const model = (instance.constructor as ModelStatic<Model>).name;
		const matches = cache.match(model, signals);
		if (matches.length === 0) {
			return;
		}

		const pending = await fireable(matches.map(({hook, signal}) => ({hook, firing: {signal, eventType: eventTypeOf(signal, created), instance, transaction, args}})));
		if (pending.length === 0) {
			return;
		}

		// Building may load associations in the app's transaction: it runs isolated too.
		const buildQueries = pending.some(({hook}) => buildMayQuery(hook, instance.constructor as ModelStatic<Model>));
		await storeCallbacks(sequelize, async () => {
			const rows = [];
			for (const {hook, firing, checked} of pending) {
				const built = checked ? hook : await conditionChecked(hook, firing);
				if (!built) {
					continue;
				}

				rows.push(await callbackRow(built, firing, settings.raiseExceptions, error => {
					settings.warn(`hook ${JSON.stringify(hook.definition.name)} could not build a callback for ${model}; stored it with status error`, error);
				}));
			}

			return rows;
		}, {transaction, raise: settings.raiseExceptions, warn: settings.warn, buildQueries});
	};
}

/**
 * Whether building a hook's callback may run a query in the app's transaction: a serializer is
 * app code, and a template that reads through an association loads it.
 */
function buildMayQuery(hook: CompiledHook, model: ModelStatic<Model>): boolean {
	return hook.serialize !== undefined || hook.instancePaths.some(([head]) => head !== undefined && Object.hasOwn(model.associations, head));
}

/**
 * Listen to every model of the Sequelize instance (hooks on the instance apply to all models,
 * those defined later too). Bulk operations on a model that has hooks are switched to
 * individual hooks, so that each row fires. Returns a function that removes the listeners.
 */
export function bindCapture(sequelize: Sequelize, cache: HookCache, settings: CaptureSettings, fire: Fire): () => void {
	const watched = (model: ModelStatic<Model> | undefined) => model !== undefined && !settings.ownModels.has(model.name) && cache.hasModel(model.name);

	const listeners: Record<string, (...args: never[]) => Promise<void> | void> = {
		// afterSave is Sequelize's proxy of afterCreate and afterUpdate: one insert serves both.
		afterCreate: async (instance: Model, options: Options) => fire(instance, ['afterCreate', 'afterSave'], {transaction: options?.transaction, created: true}),
		afterUpdate: async (instance: Model, options: Options) => fire(instance, ['afterUpdate', 'afterSave'], {transaction: options?.transaction}),
		afterDestroy: async (instance: Model, options: Options) => fire(instance, ['afterDestroy'], {transaction: options?.transaction}),
		afterRestore: async (instance: Model, options: Options) => fire(instance, ['afterRestore'], {transaction: options?.transaction}),
		async afterUpsert(result: [Model, boolean | null] | Model, options: Options) {
			const instance = Array.isArray(result) ? result[0] : result;
			if (instance) {
				await fire(instance, ['afterUpsert'], {transaction: options?.transaction});
			}
		},
		beforeBulkCreate(instances: Model[], options: Options) {
			if (watched(instances[0]?.constructor as ModelStatic<Model> | undefined)) {
				options.individualHooks = true;
			}
		},
		beforeBulkUpdate: switchToIndividualHooks,
		beforeBulkDestroy: switchToIndividualHooks,
		beforeBulkRestore: switchToIndividualHooks,
	};

	function switchToIndividualHooks(options: Options) {
		if (watched(options.model)) {
			options.individualHooks = true;
		}
	}

	if (bound.has(sequelize)) {
		throw new HttpHooksError('registerHttpHooks was already called on this Sequelize instance; close() that handle first, or use connectHttpHooks for a second handle that does not capture');
	}

	bound.add(sequelize);
	writeHeldRowsOnCommit(sequelize);
	for (const [type, listener] of Object.entries(listeners)) {
		sequelize.addHook(type as never, hookName, listener as never);
	}

	return () => {
		for (const type of Object.keys(listeners)) {
			sequelize.removeHook(type as never, hookName);
		}

		bound.delete(sequelize);
	};
}
