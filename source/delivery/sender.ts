import {randomBytes} from 'node:crypto';
import os from 'node:os';
import {setTimeout as sleep} from 'node:timers/promises';
import type {Sequelize} from 'sequelize';
import {releaseClaims, renewLeases, type ClaimedCallback} from './claim.js';
import {CancelWatch} from './cancel-watch.js';
import {ClaimPacing} from './claim-pacing.js';
import {ClaimSource} from './claim-source.js';
import {resolveDeliverySettings, type DeliverySettings} from './delivery-settings.js';
import {EndpointHealth} from './endpoint-health.js';
import {FairShare, slowMsFor} from './fair-share.js';
import {HookSecrets} from './hook-secrets.js';
import {HttpClient, type AttemptResult} from './http-client.js';
import {NetworkGuard, parseAllowedNetworks} from './network-guard.js';
import {judgeAttempt} from './outcome.js';
import {fromDatabase, Outage} from './outage.js';
import {OutgoingRequests, UnsendableRequestError} from './outgoing-request.js';
import {ProgressMeter} from './progress-meter.js';
import type {Finished} from './record-results.js';
import {ResultWriter} from './result-writer.js';
import {scheduleFor} from './retry-schedule.js';
import {checkSendOptions, type SendOptions, type SendSummary} from './send-options.js';
import {countRemaining} from './count-remaining.js';
import {wakeUp, type WakeUp} from './wake-up.js';
import {noTurns, WriteTurns} from './write-turns.js';
import {DeliveryObserver} from '../observability/delivery-observer.js';
import {dialectOf} from '../store/dialects/index.js';

// A run that does not watch looks this many times more, this long apart, when a claim came back
// empty while due callbacks still wait (see #dueLeft).
const emptyLooksBeforeEnd = 5;
const emptyLookMs = 200;

export type {SendOptions, SendProgress, SendSummary} from './send-options.js';

type Logger = {warn(message: string, error?: unknown): void};

// How often a run that waits for its own results looks again in any case.
const heldPollMs = 100;

/** A promise and the function that resolves it. */
function signal(): {promise: Promise<void>; resolve(): void} {
	let resolve!: () => void;
	const promise = new Promise<void>(done => {
		resolve = done;
	});
	return {promise, resolve};
}

/** A name for this sender in `locked_by`: host, process and a random part, so every run differs. */
export function workerName(): string {
	return `${os.hostname().slice(0, 40)}:${process.pid}:${randomBytes(4).toString('hex')}`;
}

/**
 * One run of the sender: claims due callbacks in batches, sends them with `concurrency`
 * requests in flight, judges each attempt and hands it to the result writer. Claims are leased
 * and renewed while the run lives; on stop, claims not started yet are given back.
 */
class SendRun {
	readonly #summary: SendSummary = {claimed: 0, sent: 0, retrying: 0, failed: 0, missing: [], cancelled: [], durationMs: 0};
	readonly #settings: DeliverySettings;
	readonly #worker = workerName();
	readonly #started = Date.now();
	readonly #client: HttpClient;
	readonly #secrets: HookSecrets;
	readonly #requests: OutgoingRequests;
	readonly #turns: Pick<WriteTurns, 'run'>;
	readonly #results: ResultWriter;
	readonly #health: EndpointHealth;
	/** Hooks disabled during this run: their queued callbacks are given back, not sent. */
	readonly #disabledHooks = new Set<number>();
	readonly #source: ClaimSource;
	/** Whether the database answers; says so when that changes. */
	readonly #outage: Outage;
	/** Claimed callbacks not started yet, by hook, started round-robin within each hook's share. */
	readonly #queue: FairShare;
	readonly #pacing: ClaimPacing;
	/** Takes callbacks cancelled while they wait in the queue out of it. */
	readonly #cancels: CancelWatch;
	/**
	 * Ids claimed and not written yet, with their ordering keys: renewed while alive, released on
	 * stop. A held callback with a key (an ordered hook's) holds back its record's later callbacks.
	 */
	readonly #held = new Map<number, string | null>();
	/** Callbacks whose last attempt in this run failed with a retry scheduled (the progress line's "retrying"). */
	readonly #retrying = new Set<number>();
	#exhausted = false;
	#refilling: Promise<void> | undefined;
	#claimError: unknown;
	#inFlight = 0;
	#wake: WakeUp | undefined;
	#renewing = false;
	/** Result writes done so far: a claim that came back empty while one was done may have missed its followers. */
	#writes = 0;
	/** Wakes a claim that waits for this run's own results to be written. */
	#resultsWritten = signal();

	// The logger also tells the run's events, metrics and traces.
	constructor(private readonly sequelize: Sequelize, base: DeliverySettings, private readonly options: SendOptions, private readonly logger: DeliveryObserver) {
		const {callbackIds} = checkSendOptions(options);
		this.#settings = resolveDeliverySettings({...options.delivery, ...(options.concurrency === undefined ? {} : {concurrency: options.concurrency})}, base);
		this.#client = new HttpClient({
			timeoutMs: this.#settings.timeoutMs, maxSockets: this.#settings.concurrency,
			guard: this.#settings.blockPrivateNetworks ? new NetworkGuard(parseAllowedNetworks(this.#settings.allowedNetworks)) : undefined,
		});
		this.#secrets = new HookSecrets(sequelize);
		this.#requests = new OutgoingRequests(this.#settings.userAgent);
		this.#turns = dialectOf(sequelize).writesTakeTurns ? new WriteTurns() : noTurns;
		// Only a watching run waits for the database; another fails with one error instead.
		this.#outage = new Outage(options.watch ? logger.warn : () => undefined, () => this.#held.size);
		this.#queue = new FairShare({slots: this.#settings.concurrency, fullAt: this.#batch, slowMs: slowMsFor(this.#settings.timeoutMs)});
		this.#pacing = new ClaimPacing(this.#queue, this.#settings.pollIntervalMs);
		this.#source = new ClaimSource({
			sequelize, worker: this.#worker, leaseMs: this.#settings.leaseMs, turns: this.#turns,
			hookId: options.hookId, watch: Boolean(options.watch), started: this.#started, warn: logger.warn,
		}, callbackIds);
		this.#health = new EndpointHealth({
			sequelize, disableAfterFailures: this.#settings.disableAfterFailures, turns: this.#turns, warn: logger.warn,
			outage: this.#outage, persistent: () => this.#persistent,
			onDisabled: (hookId, reason, now) => {
				this.#disabledHooks.add(hookId);
				logger.disabled(hookId, reason, now);
			},
		});
		this.#cancels = new CancelWatch(sequelize, () => this.#queue.ids(), async ids => this.#dropCancelled(ids));
		this.#results = new ResultWriter({
			sequelize, worker: this.#worker, batchSize: this.#settings.batchSize, turns: this.#turns,
			outage: this.#outage, persistent: () => this.#persistent,
			onWritten: (batch, applied) => this.#written(batch, applied),
		});
	}

	/** Callbacks per claim: a batch, and never fewer than the slots to fill. */
	get #batch(): number {
		return Math.max(this.#settings.batchSize, 2 * this.#settings.concurrency);
	}

	get #fatal(): unknown {
		return this.#claimError ?? this.#results.fatal;
	}

	/** A watching run that is not stopping outlives the database: it tries again without end. */
	get #persistent(): boolean {
		return Boolean(this.options.watch) && this.options.signal?.aborted !== true;
	}

	get #stopping(): boolean {
		return this.options.signal?.aborted === true || this.#fatal !== undefined;
	}

	async run(): Promise<SendSummary> {
		const renewal = setInterval(() => void this.#renew(), Math.max(500, Math.floor(this.#settings.leaseMs / 3)));
		const progress = this.options.onProgress && new ProgressMeter(this.sequelize, {
			counts: () => ({claimed: this.#summary.claimed, sent: this.#summary.sent, retrying: this.#summary.retrying, retryingNow: this.#retrying.size, failed: this.#summary.failed, inFlight: this.#inFlight}),
			held: () => this.#held.size,
			idsLeft: () => this.#source.idsLeft,
			cutoff: () => this.#source.cutoff(new Date()),
		}, this.options.hookId, this.options.onProgress, this.logger.warn);
		const stop = () => void this.#releaseQueued();
		try {
			if (this.options.watch) {
				this.#wake = await wakeUp(this.sequelize, {pollIntervalMs: this.#settings.pollIntervalMs, signal: this.options.signal, warn: this.logger.warn});
			}

			await progress?.start();
			this.#cancels.start();
			this.options.signal?.addEventListener('abort', stop);
			await Promise.all(Array.from({length: this.#settings.concurrency}, async () => this.#work()));
			// A claim may still be on its way: what it brings is counted and given back, not left leased.
			while (this.#refilling) {
				await this.#refilling;
			}

			await this.#results.drain();
			await this.#health.drain();
			await this.#releaseQueued();
		} finally {
			this.options.signal?.removeEventListener('abort', stop);
			clearInterval(renewal);
			this.#cancels.stop();
			progress?.stop();
			this.#client.close();
			await this.#wake?.close();
		}

		if (this.#fatal !== undefined) {
			throw this.#fatal;
		}

		this.#summary.durationMs = Date.now() - this.#started;
		this.#summary.missing = [...this.#source.missing].sort((a, b) => a - b);
		this.#summary.cancelled = [...this.#source.cancelled].sort((a, b) => a - b);
		progress?.report();
		return {...this.#summary};
	}

	async #work(): Promise<void> {
		for (;;) {
			// Results not written yet are requests a crash would repeat: no more of them than slots.
			await this.#results.room(this.#settings.concurrency);
			const callback = await this.#next();
			if (!callback) {
				return;
			}

			this.#inFlight++;
			let durationMs: number | undefined;
			try {
				const attempt = callback.attempts + 1;
				const result = await this.#attempt(callback);
				durationMs = result.durationMs;
				const outcome = judgeAttempt(result, attempt, scheduleFor(this.#settings, this.#source.policies.of(callback.hookId)));
				this.#results.add({id: callback.id, hookId: callback.hookId, attempt, result, outcome});
			} finally {
				this.#inFlight--;
				this.#queue.finished(callback.hookId, durationMs);
			}
		}
	}

	async #attempt(callback: ClaimedCallback): Promise<AttemptResult> {
		const key = this.#secrets.keyOf(callback.hookId);
		try {
			if (key instanceof Error) {
				throw key;
			}

			return await this.logger.send(callback, this.#requests.build(callback, key), async request => this.#client.send(request));
		} catch (error) {
			return {startedAt: new Date(), durationMs: 0, statusCode: null, error: (error as Error).message, responseBody: null, final: error instanceof UnsendableRequestError};
		}
	}

	/** The next claimed callback, claiming more when the queue runs low; undefined when done. */
	async #next(): Promise<ClaimedCallback | undefined> {
		for (;;) {
			if (this.#stopping) {
				return undefined;
			}

			this.#claimAheadIfLow();
			const callback = this.#queue.take();
			if (callback && callback.hookId !== null && this.#disabledHooks.has(callback.hookId) && this.#source.idsLeft === undefined) {
				this.#queue.finished(callback.hookId);
				await this.#release([callback.id]);
				continue;
			}

			if (callback) {
				return callback;
			}

			if (this.#exhausted && !this.#refilling && this.#queue.length === 0) {
				return undefined;
			}

			// Queued callbacks whose hooks hold their share of the slots wait for one of theirs.
			await Promise.race([this.#refilling ?? this.#queue.changed(), this.#queue.changed()]);
		}
	}

	/**
	 * Claim ahead: the next batch is on its way while a whole one still feeds the slots. Checked
	 * when a slot asks for work and again when a claim ends: the slots may all be busy by then (an
	 * endpoint that hangs holds them until the timeout), and the callbacks of other hooks must be
	 * queued meanwhile, ready for the slots their share gives them.
	 */
	#claimAheadIfLow(): void {
		if (this.#refilling || this.#exhausted || this.#stopping || this.#queue.unfull > this.#batch) {
			return;
		}

		this.#refilling = this.#claimMore().catch(error => {
			this.#claimError ??= error;
		}).finally(() => {
			this.#refilling = undefined;
			if (this.#claimError === undefined) {
				this.#claimAheadIfLow();
			}
		});
	}

	#emptyLooks = 0;

	async #claimMore(): Promise<void> {
		for (;;) {
			const wanted = this.#wanted();
			if (wanted === 0) {
				this.#exhausted = true;
				return;
			}

			const writesBefore = this.#writes;
			const full = await this.#pacing.leaveOut();
			if (full === undefined) {
				if (this.#stopping) {
					return;
				}

				continue;
			}

			let claimed: ClaimedCallback[];
			try {
				claimed = await this.#source.claim(wanted, full);
				this.#outage.ok();
			} catch (error) {
				if (!this.options.watch || !fromDatabase(error)) {
					throw error;
				}

				// A watching sender outlives a database that is away, however long.
				await this.#outage.pause(this.#outage.failed('claiming callbacks', error), this.options.signal);
				if (this.#stopping) {
					return;
				}

				continue;
			}

			if (claimed.length > 0) {
				this.#emptyLooks = 0;
				await this.#accept(claimed);
				return;
			}

			if (!this.#stopping && await this.#pacing.afterEmpty(full, this.#source.retryInMs, this.options.watch ? this.#wake : undefined) && !this.#stopping) {
				continue;
			}

			// Nothing claimable now, but this run still holds callbacks of ordered hooks: once their
			// results are written, the callbacks of the same records that waited behind them are due.
			const ordered = this.#holdsOrdered() || this.#writes !== writesBefore;
			if (!this.options.watch && this.#source.idsLeft === undefined && ordered && !this.#stopping) {
				// The timer: held callbacks may also leave without a write (given back, or the writer failed).
				await Promise.race([this.#resultsWritten.promise, sleep(heldPollMs)]);
				continue;
			}

			if (!this.options.watch && this.#source.idsLeft === undefined && !this.#stopping && await this.#dueLeft()) {
				continue;
			}

			if (!this.options.watch || this.#source.idsLeft !== undefined || this.#stopping) {
				this.#exhausted = true;
				return;
			}

			await this.#wake!.wait();
			if (this.#stopping) {
				return;
			}
		}
	}

	/**
	 * A claim can come back empty while callbacks due for this run still wait: another sender's
	 * claim holds their rows at that moment (SKIP LOCKED passes them over; MySQL locks every row
	 * its claim examines). Before a run that does not watch ends, it looks a few times more.
	 */
	async #dueLeft(): Promise<boolean> {
		if (this.#emptyLooks >= emptyLooksBeforeEnd) {
			return false;
		}

		this.#emptyLooks++;
		let due = 0;
		try {
			due = await countRemaining(this.sequelize, {hookId: this.options.hookId, cutoff: this.#source.cutoff(new Date())});
		} catch {}

		if (due === 0) {
			return false;
		}

		await sleep(emptyLookMs);
		return !this.#stopping;
	}

	/** Whether a callback of an ordered hook is held (looked at only when nothing could be claimed). */
	#holdsOrdered(): boolean {
		for (const key of this.#held.values()) {
			if (key !== null) {
				return true;
			}
		}

		return false;
	}

	#wanted(): number {
		if (this.#source.done) {
			return 0;
		}

		const left = this.options.limit === undefined ? this.#batch : this.options.limit - this.#summary.claimed;
		return Math.max(0, Math.min(this.#batch, left));
	}

	async #accept(all: ClaimedCallback[]): Promise<void> {
		// A callback this run still holds (its result not written yet) whose lease ran out while the
		// database was away comes back to this run: the lease is renewed, it is not sent again.
		const claimed = all.filter(callback => !this.#held.has(callback.id));
		this.#summary.claimed += claimed.length;
		this.logger.claimed(claimed.length);
		for (const callback of claimed) {
			this.#held.set(callback.id, callback.orderingKey ?? null);
		}

		for (;;) {
			try {
				await this.#secrets.load(claimed.map(callback => callback.hookId));
				this.#outage.ok();
				break;
			} catch (error) {
				if (!this.options.watch || !fromDatabase(error)) {
					await this.#release(claimed.map(callback => callback.id));
					throw error;
				}

				if (this.#stopping) {
					break;
				}

				await this.#outage.pause(this.#outage.failed('reading the hooks\' secrets', error), this.options.signal);
			}
		}

		if (this.#stopping) {
			await this.#release(claimed.map(callback => callback.id));
			return;
		}

		this.#queue.push(claimed);
	}

	#written(batch: Finished[], applied: Set<number>): void {
		this.#health.record(batch);
		this.logger.written(batch, applied);
		let lost = 0;
		for (const {id, outcome} of batch) {
			this.#held.delete(id);
			if (!applied.has(id)) {
				lost++;
			} else if (outcome.status === 'sent') {
				this.#summary.sent++;
				this.#retrying.delete(id);
			} else if (outcome.status === 'error') {
				this.#summary.failed++;
				this.#retrying.delete(id);
			} else {
				this.#summary.retrying++;
				this.#retrying.add(id);
			}
		}

		this.#writes++;
		const written = this.#resultsWritten;
		this.#resultsWritten = signal();
		written.resolve();
		if (lost > 0) {
			this.logger.warn(`${lost} callback(s) were taken over by another sender while this one sent them (lease ran out); their attempts are recorded, their status is the other sender's`);
		}
	}

	/** Cancelled callbacks still in the queue (not started) leave it unsent, and are released. */
	async #dropCancelled(ids: number[]): Promise<void> {
		await this.#release(this.#queue.remove(new Set(ids)).map(callback => callback.id));
	}

	async #releaseQueued(): Promise<void> {
		await this.#release(this.#queue.drain().map(callback => callback.id));
	}

	async #release(ids: number[]): Promise<void> {
		if (ids.length === 0) {
			return;
		}

		try {
			await this.#turns.run(async () => releaseClaims(this.sequelize, this.#worker, ids, new Date()));
			for (const id of ids) {
				this.#held.delete(id);
			}
		} catch (error) {
			if (this.#fatal !== undefined) {
				// The run ends with that error, which says what becomes of its callbacks.
				return;
			}

			this.logger.warn(`could not give back ${ids.length} claimed callback(s); they are sent again when their lease runs out`, error);
		}
	}

	async #renew(): Promise<void> {
		if (this.#held.size === 0 || this.#renewing) {
			return;
		}

		// A renewal that fails is tried again at the next tick; the callbacks stay held meanwhile.
		this.#renewing = true;
		try {
			await this.#turns.run(async () => renewLeases(this.sequelize, this.#worker, [...this.#held.keys()], new Date(Date.now() + this.#settings.leaseMs)));
			this.#outage.ok();
		} catch (error) {
			this.#outage.failed('renewing leases', error);
		} finally {
			this.#renewing = false;
		}
	}
}

/**
 * Send due callbacks (see SendOptions) and return what happened. Without `watch` it drains
 * what was due when it started, one attempt per callback at most, and returns.
 */
export async function sendCallbacks(sequelize: Sequelize, settings: DeliverySettings, options: SendOptions, logger: Logger | DeliveryObserver): Promise<SendSummary> {
	return new SendRun(sequelize, settings, options, logger instanceof DeliveryObserver ? logger : new DeliveryObserver({warn: logger.warn})).run();
}
