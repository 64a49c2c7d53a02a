import type {Sequelize} from 'sequelize';
import type {HttpHooks} from '../../source/http-hooks.js';
import {secretChange, type HookRecord} from '../../source/hooks/hook-store.js';
import {httpMethods, type HookInput} from '../../source/hooks/validate-hook.js';
import {
	countByHook, countCallbacks, getCallback, matchingIds, newerCallbacks, pageCallbacks, requeueCallbacks,
	type CallbackDetail, type CallbackFilter, type CallbackPage,
} from '../../source/operations/browse-callbacks.js';
import {mask, maskCallbackFields, maskHookFields, maskUrlsInText} from '../../source/operations/mask-credentials.js';
import {callbackStats, type HookStats} from '../../source/operations/stats.js';
import type {HookPreview} from '../../source/operations/preview-hook.js';
import type {CancelResult} from '../../source/operations/cancel-callbacks.js';
import {contentTypes} from '../../source/payload/content-types.js';
import {readCatalog} from '../../source/store/model-catalog.js';
import type {CallbackStatus, SignalAttributes} from '../../source/store/models.js';
import type {CallbackRow, CallbacksFilter} from './state/callbacks-state.js';
import type {FormOptions} from './state/hook-form-state.js';

export type HookRow = HookRecord & {waiting: number; error: number};
export type SignalRow = SignalAttributes & {hookCount: number};

function libraryFilter(filter: CallbacksFilter): CallbackFilter {
	return {status: filter.status, hookId: filter.hookId, search: filter.search};
}

/**
 * Everything the console reads and writes, through the library's own API (the same validation,
 * the same reload path for running apps). Screens depend on this and nothing else.
 */
export class ConsoleSource {
	constructor(readonly httpHooks: HttpHooks, readonly sequelize: Sequelize) {}

	get dialect(): string {
		return this.sequelize.getDialect();
	}

	/**
	 * The hooks as listed: credentials in URLs and headers masked, secrets replaced by a mark (the
	 * screens say "set" or "rotating"), so that no list or detail pane can show them.
	 */
	async hooks(): Promise<HookRow[]> {
		const [hooks, counts] = await Promise.all([this.httpHooks.listHooks(), countByHook(this.httpHooks.models)]);
		return hooks.map(hook => ({
			...maskHookFields(hook),
			secret: hook.secret ? mask : null,
			previousSecret: hook.previousSecret ? mask : null,
			waiting: counts.get(hook.id)?.waiting ?? 0,
			error: counts.get(hook.id)?.error ?? 0,
		}));
	}

	/** Delivery figures of one hook over the last hour: asked for the selected hook only, they cost a sort of its attempts. */
	async hookStats(id: number): Promise<HookStats | undefined> {
		const [stats] = await callbackStats(this.httpHooks.models, {hookId: id});
		return stats;
	}

	/** One hook as stored, for the form to edit (the form masks what it shows). */
	async hook(id: number): Promise<HookRecord> {
		return this.httpHooks.getHook(id);
	}

	async signals(): Promise<SignalRow[]> {
		const [signals, hooks] = await Promise.all([this.httpHooks.listSignals(), this.httpHooks.listHooks()]);
		return signals.map(signal => ({...signal, hookCount: hooks.filter(hook => hook.signals.includes(signal.name)).length}));
	}

	/** The choices of the hook form: the models apps registered, the signal table, methods, content types. */
	async formOptions(): Promise<FormOptions> {
		const [catalog, signals] = await Promise.all([readCatalog(this.httpHooks.models, this.sequelize), this.httpHooks.listSignals()]);
		return {models: [...catalog.keys()].sort(), signals: signals.map(signal => signal.name), methods: httpMethods, contentTypes: ['', ...contentTypes]};
	}

	async createHook(input: HookInput): Promise<HookRecord> {
		return this.httpHooks.createHook(input);
	}

	/**
	 * Save the fields changed in the form, only if the hook is still as it was loaded (else
	 * StaleHookError says what changed). A new secret typed into the form rotates: the old one
	 * keeps signing beside it for a day.
	 */
	async updateHook(loaded: HookRecord, changes: Partial<HookInput>): Promise<HookRecord> {
		const secret = 'secret' in changes ? secretChange(loaded, changes.secret ?? null) : {};
		return this.httpHooks.updateHook(loaded.id, {...changes, ...secret}, {loaded});
	}

	/** The request a saved hook would send for a record now (credentials masked; nothing sent). */
	async previewHook(id: number, recordId: string): Promise<HookPreview> {
		return this.httpHooks.previewHook(id, recordId);
	}

	/** The same for the hook as typed in the form, validated as a save would, not saved. */
	async previewDraft(input: HookInput, recordId: string): Promise<HookPreview> {
		return this.httpHooks.previewDraft(input, recordId);
	}

	async setHookEnabled(id: number, enabled: boolean): Promise<HookRecord> {
		return this.httpHooks.setHookEnabled(id, enabled);
	}

	async deleteHook(id: number): Promise<void> {
		await this.httpHooks.deleteHook(id);
	}

	async createSignal(name: string): Promise<SignalAttributes> {
		return this.httpHooks.createSignal(name.trim());
	}

	/** The hooks that use a signal now (by name), so that a delete can be refused before it is asked. */
	async signalUsers(name: string): Promise<Array<{id: number; name: string}>> {
		return (await this.httpHooks.listHooks()).filter(hook => hook.signals.includes(name)).map(({id, name}) => ({id, name}));
	}

	/** Delete a custom signal; the library refuses (naming the hooks) if one uses it by then. */
	async deleteSignal(name: string): Promise<void> {
		await this.httpHooks.deleteSignal(name);
	}

	async pageCallbacks(filter: CallbacksFilter, options: {limit: number; beforeId?: number}): Promise<CallbackPage> {
		const page = await pageCallbacks(this.httpHooks.models, libraryFilter(filter), options);
		return {...page, rows: page.rows.map(row => maskCallbackFields(row))};
	}

	async newerCallbacks(filter: CallbacksFilter, afterId: number, limit: number): Promise<CallbackRow[]> {
		return (await newerCallbacks(this.httpHooks.models, libraryFilter(filter), afterId, limit)).map(row => maskCallbackFields(row));
	}

	async callback(id: number): Promise<CallbackDetail | undefined> {
		const found = await getCallback(this.httpHooks.models, id);
		return found && {
			...maskCallbackFields(found),
			attemptRows: found.attemptRows.map(attempt => ({...attempt, error: attempt.error === null ? null : maskUrlsInText(attempt.error)})),
		};
	}

	async countCallbacks(filter: CallbacksFilter): Promise<number> {
		return countCallbacks(this.httpHooks.models, libraryFilter(filter));
	}

	/** How many callbacks of a filter have one of `statuses` (for "cancel all N?" questions). */
	async countWithStatuses(filter: CallbacksFilter, statuses: readonly CallbackStatus[]): Promise<number> {
		let total = 0;
		for (const status of statuses) {
			total += await countCallbacks(this.httpHooks.models, libraryFilter({...filter, status}));
		}

		return total;
	}

	/**
	 * Cancel callbacks: these ids, or those of a filter with one of `statuses`. Returns once no
	 * sender holds any of them (see cancelCallbacks).
	 */
	async cancel(selection: {ids: number[]} | {filter: CallbacksFilter; statuses: CallbackStatus[]}): Promise<CancelResult> {
		if ('ids' in selection) {
			return this.httpHooks.cancelCallbacks({callbackIds: selection.ids});
		}

		const {filter, statuses} = selection;
		if (!filter.search?.trim()) {
			return this.httpHooks.cancelCallbacks({hookId: filter.hookId, status: statuses, all: true});
		}

		// A text search is the console's own: its matching ids, a slice at a time.
		const ids = await matchingIds(this.httpHooks.models, libraryFilter({...filter, status: undefined}));
		const total = {cancelled: 0, wereSending: 0, stillSending: 0};
		for (let start = 0; start < ids.length; start += 2000) {
			const result = await this.httpHooks.cancelCallbacks({callbackIds: ids.slice(start, start + 2000), status: statuses});
			total.cancelled += result.cancelled;
			total.wereSending += result.wereSending;
			total.stillSending += result.stillSending;
		}

		return {...total, matched: total.cancelled, statuses, since: null, until: new Date(), dryRun: false, stopped: false};
	}

	/** Resend: back in the queue, due now; a running sender delivers them. */
	async resend(selection: {ids: number[]} | {filter: CallbacksFilter}): Promise<number> {
		return requeueCallbacks(this.httpHooks.models, 'ids' in selection ? selection : {filter: libraryFilter(selection.filter)});
	}
}
