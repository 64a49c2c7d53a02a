import type {Sequelize} from 'sequelize';
import type {Fire} from './capture/bind-capture.js';
import {customSignal, type CustomSignal} from './capture/custom-signal.js';
import type {HookCache} from './capture/hook-cache.js';
import type {ReloadWatcher} from './capture/reload-watcher.js';
import {sendCallbacks, type SendOptions, type SendSummary} from './delivery/sender.js';
import {HookStore, type HookRecord, type RotateOptions, type UpdateHookOptions} from './hooks/hook-store.js';
import type {HookInput} from './hooks/validate-hook.js';
import type {EnsureResult} from './hooks/ensure-hook.js';
import {deleteOldCallbacks, type DeleteOldOptions, type DeleteOldResult} from './operations/delete-old-callbacks.js';
import {cancelCallbacks, type CancelOptions, type CancelResult} from './operations/cancel-callbacks.js';
import {resendCallbacks, type ResendOptions, type ResendResult} from './operations/resend-callbacks.js';
import {monitorCallbacks, type MonitorOptions, type MonitorResult} from './operations/monitor-callbacks.js';
import {callbackStats, type HookStats, type StatsOptions} from './operations/stats.js';
import {previewHook, type HookPreview, type PreviewOptions} from './operations/preview-hook.js';
import {resolveDeliverySettings, type DeliveryOptions} from './delivery/delivery-settings.js';
import {validateHook} from './hooks/validate-hook.js';
import {readCatalog} from './store/model-catalog.js';
import {quote} from './errors.js';
import type {ResolvedOptions} from './options.js';
import {libraryWritesSettled} from './store/library-writes.js';
import type {HttpHooksModels, SignalAttributes} from './store/models.js';
import type {Registry} from 'prom-client';
import {DeliveryEvents, type DeliveryEventName, type DeliveryListener} from './observability/delivery-events.js';
import type {DeliveryMetrics, MetricsOptions} from './observability/delivery-metrics.js';
import {DeliveryObserver} from './observability/delivery-observer.js';
import type {MetricsServer, MetricsServerOptions} from './observability/metrics-server.js';
import {AttemptTracing} from './observability/tracing.js';

export type Capture = {cache: HookCache; fire: Fire; watcher: ReloadWatcher; unbind(): void};

/** The handle registerHttpHooks returns: hooks, signals, delivery and operations. */
export class HttpHooks {
	readonly hooks: HookStore;
	readonly #loadSerializers: boolean;
	#closed = false;
	// Signal rows being created by defineSignal; hook changes wait for them.
	#definingSignals = new Set<Promise<unknown>>();
	readonly #events: DeliveryEvents;
	#metrics: Promise<DeliveryMetrics> | undefined;
	#loadedMetrics: DeliveryMetrics | undefined;

	constructor(
		readonly sequelize: Sequelize,
		readonly models: HttpHooksModels,
		readonly options: ResolvedOptions,
		private readonly capture?: Capture,
		// The programs open the handle without loading app code: serializer names are checked by shape only.
		{loadSerializers = true}: {loadSerializers?: boolean} = {},
	) {
		this.hooks = new HookStore(sequelize, models, {registered: options.serializers, modules: options.serializerModules, load: loadSerializers}, options.templateLimits);
		this.#loadSerializers = loadSerializers;
		this.#events = new DeliveryEvents(options.warn);
	}

	/** True when this process turns model events into callbacks (not shut down, not a tool). */
	get capturing(): boolean {
		return this.capture !== undefined;
	}

	async createHook(input: HookInput): Promise<HookRecord> {
		await this.#signalsDefined();
		return this.#changed(await this.hooks.createHook(input));
	}

	/**
	 * Create the hook named `input.name`, or update it to what `input` declares, so that start-up
	 * code can run any number of times, in any number of processes at once, and leave one hook.
	 * Fields not given take their defaults, but for `enabled` and the secrets, which stay as they
	 * are (a new `secret` rotates: the old one signs beside it for 24 h). Validated as createHook.
	 * Returns the hook, whether it was `created`, `updated` or `unchanged`, and what changed.
	 */
	async ensureHook(input: HookInput): Promise<EnsureResult> {
		await this.#signalsDefined();
		const result = await this.hooks.ensureHook(input);
		if (result.outcome !== 'unchanged') {
			await this.reloadHooks();
		}

		return result;
	}

	/**
	 * Change some fields of a hook. Pass `{loaded}` (the hook as the editor read it) or
	 * `{expectedRevision}` to save only if nobody changed it since: else StaleHookError.
	 */
	async updateHook(id: number, changes: Partial<HookInput>, options: UpdateHookOptions = {}): Promise<HookRecord> {
		await this.#signalsDefined();
		return this.#changed(await this.hooks.updateHook(id, changes, options));
	}

	/** Give a hook a new secret, signing with the old one too for `keepPreviousForMs` (default 24 h). */
	async rotateSecret(id: number, newSecret: string, options: RotateOptions = {}): Promise<HookRecord> {
		return this.#changed(await this.hooks.rotateSecret(id, newSecret, options));
	}

	async setHookEnabled(id: number, enabled: boolean): Promise<HookRecord> {
		return this.#changed(await this.hooks.setHookEnabled(id, enabled));
	}

	async deleteHook(id: number): Promise<void> {
		await this.hooks.deleteHook(id);
		await this.reloadHooks();
	}

	async getHook(id: number): Promise<HookRecord> {
		return this.hooks.getHook(id);
	}

	async listHooks(): Promise<HookRecord[]> {
		return this.hooks.listHooks();
	}

	/**
	 * The request hook `hookId` would send for record `recordId` of its model now: method, URL,
	 * headers (credentials masked unless `showSecrets`), body, and whether its condition holds. No
	 * callback is written and nothing is sent, unless `send`: then it is sent once through the
	 * sender's HTTP client, network guard and signing, and the response is returned. In the app
	 * process the app's own model reads the record (serializers, associations, getters apply).
	 */
	async previewHook(hookId: number, recordId: string | number, options: PreviewOptions & {delivery?: DeliveryOptions} = {}): Promise<HookPreview> {
		const hook = await this.getHook(hookId);
		return previewHook(await this.#previewServices(options.delivery), hook, recordId, options);
	}

	/** The same for a hook being edited and not saved: the fields are validated first, as a save would. */
	async previewDraft(input: HookInput, recordId: string | number, options: PreviewOptions & {delivery?: DeliveryOptions} = {}): Promise<HookPreview> {
		const valid = await validateHook(input, await this.hooks.validationContext());
		return previewHook(await this.#previewServices(options.delivery), {...valid, id: 0, draft: true}, recordId, options);
	}

	async #previewServices(delivery?: DeliveryOptions) {
		return {
			sequelize: this.sequelize,
			catalog: await readCatalog(this.models, this.sequelize),
			serializers: {registered: this.options.serializers, modules: this.options.serializerModules, load: this.#loadSerializers},
			limits: this.options.templateLimits,
			delivery: resolveDeliverySettings(delivery, this.options.delivery),
		};
	}

	/**
	 * Send due callbacks: claim them (safe with any number of senders), send them concurrently,
	 * record every attempt, schedule retries. Without `watch`, drains what is due and returns.
	 */
	async sendCallbacks(options: SendOptions = {}): Promise<SendSummary> {
		const observer = new DeliveryObserver({
			warn: this.options.warn, events: this.#events, metrics: this.#loadedMetrics,
			tracing: this.options.tracing ? new AttemptTracing() : undefined,
		});
		return sendCallbacks(this.sequelize, this.options.delivery, options, observer);
	}

	/**
	 * Listen to the sender's events (`delivered`, `failed`, `exhausted`, `hookDisabled`,
	 * `sendError`) of the runs of this handle; returns a function that stops listening. A
	 * listener that throws or is slow never holds delivery up.
	 */
	on<Name extends DeliveryEventName>(event: Name, listener: DeliveryListener<Name>): () => void {
		return this.#events.on(event, listener);
	}

	/**
	 * The Prometheus registry of this handle's sender metrics (prom-client), created on the first
	 * call with these options; runs started after it are counted. The queue's figures are read
	 * from the database when a scrape finds them older than `sampleIntervalMs`.
	 */
	async metrics(options: MetricsOptions = {}): Promise<Registry> {
		this.#metrics ??= import('./observability/delivery-metrics.js').then(({DeliveryMetrics}) => {
			this.#loadedMetrics = new DeliveryMetrics(this.sequelize, options);
			return this.#loadedMetrics;
		});
		try {
			return (await this.#metrics).registry;
		} catch (error) {
			this.#metrics = undefined;
			throw error;
		}
	}

	/** Serve `metrics()` over HTTP for Prometheus: `/metrics` and `/healthz`. Close it before the handle. */
	async serveMetrics(options: MetricsServerOptions & MetricsOptions): Promise<MetricsServer> {
		await this.metrics(options);
		const metrics = this.#loadedMetrics!;
		const {serveMetrics} = await import('./observability/metrics-server.js');
		return serveMetrics({registry: metrics.registry, databaseUp: () => metrics.databaseUp}, options);
	}

	/** Count callbacks with a status (optionally in the last N minutes) and rate them against limits. */
	async monitorCallbacks(options: MonitorOptions): Promise<MonitorResult> {
		return monitorCallbacks(this.models, options);
	}

	/** Delete callbacks created more than `days` days ago, with their attempts, in batches. */
	async deleteOldCallbacks(days: number, options: DeleteOldOptions = {}): Promise<DeleteOldResult> {
		return deleteOldCallbacks(this.models, days, options);
	}

	/**
	 * Put the selected callbacks (by default those in `error`) back in the queue, due now, with a
	 * full round of attempts; `dryRun` only counts them. Never one being sent; a cancelled one only
	 * with status `cancelled` named. In batches, safe while senders run.
	 */
	async resendCallbacks(options: ResendOptions): Promise<ResendResult> {
		return resendCallbacks(this.models, options);
	}

	/**
	 * Move the selected callbacks (waiting or sending) to the final status `cancelled`: never sent
	 * again. Returns once no sender holds any of them, so nothing cancelled goes out afterwards.
	 */
	async cancelCallbacks(options: CancelOptions): Promise<CancelResult> {
		return cancelCallbacks(this.models, options);
	}

	/** Per hook: callbacks by status, delivery lag, success rate and p50 / p95 latency. */
	async stats(options: StatsOptions = {}): Promise<HookStats[]> {
		return callbackStats(this.models, options);
	}

	async createSignal(name: string): Promise<SignalAttributes> {
		return this.hooks.createSignal(name);
	}

	async listSignals(): Promise<SignalAttributes[]> {
		return this.hooks.listSignals();
	}

	/** Delete a custom signal; refused with InvalidSignalError naming the hooks while any uses it. */
	async deleteSignal(name: string): Promise<void> {
		await this.#signalsDefined();
		await this.hooks.deleteSignal(name);
	}

	/** A custom signal for app code; its row is created if missing. */
	defineSignal(name: string): CustomSignal {
		const row = this.hooks.createSignal(name);
		this.#definingSignals.add(row);
		const settled = () => this.#definingSignals.delete(row);
		row.then(settled, error => {
			settled();
			this.options.warn(`could not create the row of signal ${quote(name)}; its sends will fail`, error);
		});
		return customSignal(name, row, this.capture?.fire);
	}

	/**
	 * Read the hooks again now. Not needed for correctness: changes made anywhere are picked up
	 * within the reload interval; this process's own changes at once.
	 */
	async reloadHooks(): Promise<void> {
		await this.capture?.cache.reload();
	}

	/**
	 * Stop listening and watching, once the library's writes under way are done (so the app may
	 * close its Sequelize instance right after); the instance stays open (it is the app's).
	 */
	async close(): Promise<void> {
		if (this.#closed) {
			return;
		}

		this.#closed = true;
		this.capture?.unbind();
		await this.capture?.watcher.stop();
		await this.#signalsDefined();
		await libraryWritesSettled(this.sequelize);
	}

	async #signalsDefined(): Promise<void> {
		await Promise.allSettled(this.#definingSignals);
	}

	async #changed(hook: HookRecord): Promise<HookRecord> {
		await this.reloadHooks();
		return hook;
	}
}
