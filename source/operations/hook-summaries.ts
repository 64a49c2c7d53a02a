import type {HookRecord} from '../hooks/hook-store.js';
import type {HttpHooksModels} from '../store/models.js';
import {countByHook} from './browse-callbacks.js';

/** A hook as listings show it: its secret left out (only whether it has one), its queue counted. */
export type HookSummary = Omit<HookRecord, 'secret' | 'previousSecret'> & {signed: boolean; waiting: number; error: number};

/** The hooks with how many of their callbacks wait and how many failed for good. */
export async function hookSummaries(models: HttpHooksModels, hooks: HookRecord[]): Promise<HookSummary[]> {
	const counts = await countByHook(models, ['waiting', 'error']);
	return hooks.map(({secret, previousSecret: _previous, ...hook}) => ({
		...hook,
		signed: Boolean(secret),
		waiting: counts.get(hook.id)?.waiting ?? 0,
		error: counts.get(hook.id)?.error ?? 0,
	}));
}
