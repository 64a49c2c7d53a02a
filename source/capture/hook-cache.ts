import type {HttpHooksModels} from '../store/models.js';
import type {TemplateLimits} from '../payload/sandbox.js';
import type {SerializerSources} from '../payload/serializer.js';
import {compileHook, type CompiledHook, type HookDefinition} from './compile-hook.js';

export type HookMatch = {hook: CompiledHook; signal: string};

/**
 * The enabled hooks of this process, indexed by model and signal, so that a write on a model
 * with no hook costs a map lookup and no query. Compiled hooks are kept across reloads while
 * the row and its signals are unchanged: compared by content, not by `updated_at`, which plain
 * SQL may leave alone.
 */
export class HookCache {
	#byModel = new Map<string, Map<string, CompiledHook[]>>();
	#compiled = new Map<number, {stamp: string; hook: CompiledHook}>();

	constructor(private readonly models: HttpHooksModels, private readonly serializers: SerializerSources, private readonly templateLimits?: TemplateLimits) {}

	hasModel(model: string): boolean {
		return this.#byModel.has(model);
	}

	/** The hooks of a model listening to any of the signals, one match per hook and signal. */
	match(model: string, signals: readonly string[]): HookMatch[] {
		const bySignal = this.#byModel.get(model);
		if (!bySignal) {
			return [];
		}

		const matches: HookMatch[] = [];
		for (const signal of signals) {
			for (const hook of bySignal.get(signal) ?? []) {
				matches.push({hook, signal});
			}
		}

		return matches;
	}

	get size(): number {
		return this.#compiled.size;
	}

	async reload(): Promise<void> {
		const rows = await this.models.Hook.findAll({
			where: {enabled: true},
			include: [{model: this.models.Signal, as: 'signals', attributes: ['name'], through: {attributes: []}}],
			order: [['id', 'ASC']],
			// A background reload stays out of the app's query log.
			logging: false,
		});
		const compiled = new Map<number, {stamp: string; hook: CompiledHook}>();
		const byModel = new Map<string, Map<string, CompiledHook[]>>();
		for (const row of rows) {
			const definition: HookDefinition = {...row.get({plain: true}), signals: (row.signals ?? []).map(signal => signal.name)};
			const stamp = JSON.stringify({...definition, signals: [...definition.signals].sort()});
			const previous = this.#compiled.get(row.id);
			const hook = previous?.stamp === stamp
				? previous.hook
				: await compileHook(definition, this.serializers, this.templateLimits);
			compiled.set(row.id, {stamp, hook});
			const bySignal = byModel.get(definition.model) ?? new Map<string, CompiledHook[]>();
			byModel.set(definition.model, bySignal);
			for (const signal of definition.signals) {
				bySignal.set(signal, [...bySignal.get(signal) ?? [], hook]);
			}
		}

		this.#compiled = compiled;
		this.#byModel = byModel;
	}
}
