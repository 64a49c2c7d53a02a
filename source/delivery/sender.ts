import {randomBytes} from 'node:crypto';
import os from 'node:os';
import type {Sequelize} from 'sequelize';
import {HttpHooksError, quote} from '../errors.js';
import {claimAbandoned, claimDue, claimIds, releaseClaims, renewLeases, type ClaimedCallback, type Claimer} from './claim.js';
import {countRemaining} from './count-remaining.js';
import {resolveDeliverySettings, type DeliveryOptions, type DeliverySettings} from './delivery-settings.js';
import {HookSecrets} from './hook-secrets.js';
import {HttpClient, type AttemptResult} from './http-client.js';
import {judgeAttempt} from './outcome.js';
import {outgoingRequest} from './outgoing-request.js';
import {recordResults, type Finished} from './record-results.js';
import {wakeUp, type WakeUp} from './wake-up.js';

export type SendProgress = {
	claimed: number;
	sent: number;
	retrying: number;
	failed: number;
	/** Requests under way right now. */
	inFlight: number;
	/** Due callbacks not finished yet (counted every few seconds); undefined before the first count. */
	remaining?: number;
	/** Finished attempts per second since the start. */
	perSecond: number;
	elapsedMs: number;
};

export type SendOptions = {
	/** Only callbacks of this hook. */
	hookId?: number;
	/** Exactly these callbacks, whatever their status (a resend). */
	callbackIds?: number[];
	/** Requests in flight at once; default `delivery.concurrency`. */
	concurrency?: number;
	/** Claim at most this many callbacks in this run. */
	limit?: number;
	/** Keep running, woken by new callbacks and by polling, until `signal` aborts. */
	watch?: boolean;
	/** Stop: nothing more is claimed, requests under way finish, claims not started are released. */
	signal?: AbortSignal;
	onProgress?(progress: SendProgress): void;
	/** Delivery settings for this run, over the handle's (e.g. a shorter lease). */
	delivery?: DeliveryOptions;
};

export type SendSummary = {
	claimed: number;
	sent: number;
	/** Failed attempts with a retry scheduled. */
	retrying: number;
	/** Callbacks that reached the final status `error` in this run. */
	failed: number;
	/** Ids of `callbackIds` that do not exist. */
	missing: number[];
	durationMs: number;
};

type Logger = {warn(message: string, error?: unknown): void};

// How often leases run out at the earliest and are looked for; results wait at most this long.
const abandonedCheckMs = 1000;
const flushDelayMs = 100;
const progressIntervalMs = 250;
const recountIntervalMs = 2000;

function checkId(value: unknown, what: string): number {
	if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
		throw new HttpHooksError(`${what} must be a whole number above 0, got ${quote(value)}`);
	}

	return value;
}

/** A name for this sender in `locked_by`: host, process and a random part, so every run differs. */
export function workerName(): string {
	return `${os.hostname().slice(0, 40)}:${process.pid}:${randomBytes(4).toString('hex')}`;
}

/**
 * One run of the sender: claims due callbacks in batches, sends them with `concurrency`
 * requests in flight, judges each attempt and writes results in batches. Claims are leased and
 * renewed while the run lives; on stop, claims not started yet are given back.
 */
class SendRun {
	readonly #summary: SendSummary = {claimed: 0, sent: 0, retrying: 0, failed: 0, missing: [], durationMs: 0};
	readonly #settings: DeliverySettings;
	readonly #worker = workerName();
	readonly #started = Date.now();
	readonly #client: HttpClient;
	readonly #secrets: HookSecrets;
	readonly #queue: ClaimedCallback[] = [];
	/** Ids claimed and not written yet: renewed while alive, released on stop. */
	readonly #held = new Set<number>();
	#idsLeft: number[] | undefined;
	#exhausted = false;
	#refilling: Promise<void> | undefined;
	#lastAbandonedCheck = 0;
	#results: Finished[] = [];
	#flushing: Promise<void> | undefined;
	#flushTimer: NodeJS.Timeout | undefined;
	#fatal: unknown;
	#inFlight = 0;
	#remaining: number | undefined;
	#wake: WakeUp | undefined;

	constructor(private readonly sequelize: Sequelize, base: DeliverySettings, private readonly options: SendOptions, private readonly logger: Logger) {
		this.#settings = resolveDeliverySettings({...options.delivery, ...(options.concurrency === undefined ? {} : {concurrency: options.concurrency})}, base);
		if (options.hookId !== undefined) {
			checkId(options.hookId, 'hookId');
		}

		if (options.limit !== undefined) {
			checkId(options.limit, 'limit');
		}

		if (options.callbackIds !== undefined) {
			if (!Array.isArray(options.callbackIds)) {
				throw new HttpHooksError(`callbackIds must be a list of callback ids, got ${quote(options.callbackIds)}`);
			}

			if (options.hookId !== undefined) {
				throw new HttpHooksError('Give either hookId or callbackIds, not both: callbackIds names the callbacks exactly');
			}

			this.#idsLeft = [...new Set(options.callbackIds.map(id => checkId(id, 'A callback id')))];
		}

		this.#client = new HttpClient({timeoutMs: this.#settings.timeoutMs, maxSockets: this.#settings.concurrency});
		this.#secrets = new HookSecrets(sequelize);
	}

	/** Callbacks per claim: a batch, and never fewer than the slots to fill. */
	get #batch(): number {
		return Math.max(this.#settings.batchSize, 2 * this.#settings.concurrency);
	}

	get #stopping(): boolean {
		return this.options.signal?.aborted === true || this.#fatal !== undefined;
	}

	async run(): Promise<SendSummary> {
		const timers: NodeJS.Timeout[] = [];
		try {
			if (this.options.watch) {
				this.#wake = await wakeUp(this.sequelize, {pollIntervalMs: this.#settings.pollIntervalMs, signal: this.options.signal, warn: this.logger.warn});
			}

			timers.push(setInterval(() => void this.#renew(), Math.max(500, Math.floor(this.#settings.leaseMs / 3))));
			if (this.options.onProgress) {
				timers.push(setInterval(() => this.#report(), progressIntervalMs));
				timers.push(setInterval(() => void this.#recount(), recountIntervalMs));
				await this.#recount();
			}

			const stop = () => void this.#releaseQueued();
			this.options.signal?.addEventListener('abort', stop);
			try {
				await Promise.all(Array.from({length: this.#settings.concurrency}, async () => this.#work()));
			} finally {
				this.options.signal?.removeEventListener('abort', stop);
			}

			await this.#drainResults();
			await this.#releaseQueued();
		} finally {
			for (const timer of timers) {
				clearInterval(timer);
			}

			clearTimeout(this.#flushTimer);
			this.#client.close();
			await this.#wake?.close();
		}

		if (this.#fatal !== undefined) {
			throw this.#fatal;
		}

		this.#summary.durationMs = Date.now() - this.#started;
		this.#summary.missing.sort((a, b) => a - b);
		this.#report();
		return {...this.#summary, missing: [...this.#summary.missing]};
	}

	async #work(): Promise<void> {
		for (;;) {
			const callback = await this.#next();
			if (!callback) {
				return;
			}

			this.#inFlight++;
			try {
				const attempt = callback.attempts + 1;
				const result = await this.#attempt(callback);
				this.#results.push({id: callback.id, attempt, result, outcome: judgeAttempt(result, attempt, this.#settings)});
			} finally {
				this.#inFlight--;
			}

			this.#scheduleFlush();
		}
	}

	async #attempt(callback: ClaimedCallback): Promise<AttemptResult> {
		const key = this.#secrets.keyOf(callback.hookId);
		try {
			if (key instanceof Error) {
				throw key;
			}

			return await this.#client.send(outgoingRequest(callback, key, this.#settings.userAgent));
		} catch (error) {
			return {startedAt: new Date(), durationMs: 0, statusCode: null, error: (error as Error).message, responseBody: null};
		}
	}

	/** The next claimed callback, claiming more when the queue runs low; undefined when done. */
	async #next(): Promise<ClaimedCallback | undefined> {
		for (;;) {
			if (this.#stopping) {
				return undefined;
			}

			// Claim ahead: the next batch is on its way while the queue still feeds every slot.
			if (this.#queue.length < this.#batch && !this.#exhausted) {
				this.#refill();
			}

			const callback = this.#queue.shift();
			if (callback) {
				return callback;
			}

			if (this.#exhausted && !this.#refilling) {
				return undefined;
			}

			await this.#refilling;
		}
	}

	#refill(): void {
		this.#refilling ??= this.#claimMore().catch(error => {
			this.#fatal ??= error;
		}).finally(() => {
			this.#refilling = undefined;
		});
	}

	async #claimMore(): Promise<void> {
		for (;;) {
			const wanted = this.#wanted();
			if (wanted === 0) {
				this.#exhausted = true;
				return;
			}

			let claimed: ClaimedCallback[];
			try {
				claimed = await this.#claim(wanted);
			} catch (error) {
				if (!this.options.watch) {
					throw error;
				}

				this.logger.warn('could not claim callbacks; trying again', error);
				claimed = [];
			}

			if (claimed.length > 0) {
				await this.#accept(claimed);
				return;
			}

			if (!this.options.watch || this.#idsLeft || this.#stopping) {
				this.#exhausted = true;
				return;
			}

			await this.#wake!.wait();
			if (this.#stopping) {
				return;
			}
		}
	}

	#wanted(): number {
		const batch = this.#batch;
		const left = this.options.limit === undefined ? batch : this.options.limit - this.#summary.claimed;
		if (this.#idsLeft?.length === 0) {
			return 0;
		}

		return Math.max(0, Math.min(batch, left));
	}

	async #claim(wanted: number): Promise<ClaimedCallback[]> {
		const now = new Date();
		const claimer: Claimer = {worker: this.#worker, now, leaseUntil: new Date(now.getTime() + this.#settings.leaseMs)};
		if (this.#idsLeft) {
			const ids = this.#idsLeft.splice(0, wanted);
			const claimed = await this.#exclusive(async () => claimIds(this.sequelize, claimer, ids), {claim: true});
			const found = new Set(claimed.map(callback => callback.id));
			this.#summary.missing.push(...ids.filter(id => !found.has(id)));
			return claimed;
		}

		const {hookId} = this.options;
		// An explicit run takes what was due when it started: a retry it schedules is never its own.
		const cutoff = this.options.watch ? now : new Date(this.#started);
		let claimed: ClaimedCallback[] = [];
		let checkedAbandoned = false;
		if (now.getTime() - this.#lastAbandonedCheck >= abandonedCheckMs) {
			this.#lastAbandonedCheck = now.getTime();
			checkedAbandoned = true;
			claimed = await this.#exclusive(async () => claimAbandoned(this.sequelize, claimer, {hookId, limit: wanted}), {claim: true});
		}

		if (claimed.length < wanted) {
			claimed.push(...await this.#exclusive(async () => claimDue(this.sequelize, claimer, {hookId, limit: wanted - claimed.length, cutoff}), {claim: true}));
		}

		if (claimed.length === 0 && !checkedAbandoned) {
			this.#lastAbandonedCheck = now.getTime();
			claimed = await this.#exclusive(async () => claimAbandoned(this.sequelize, claimer, {hookId, limit: wanted}), {claim: true});
		}

		return claimed;
	}

	async #accept(claimed: ClaimedCallback[]): Promise<void> {
		this.#summary.claimed += claimed.length;
		for (const callback of claimed) {
			this.#held.add(callback.id);
		}

		try {
			await this.#secrets.load(claimed.map(callback => callback.hookId));
		} catch (error) {
			await this.#release(claimed.map(callback => callback.id));
			throw error;
		}

		if (this.#stopping) {
			await this.#release(claimed.map(callback => callback.id));
			return;
		}

		this.#queue.push(...claimed);
	}

	#scheduleFlush(): void {
		if (this.#results.length >= this.#settings.batchSize) {
			void this.#flush();
		} else {
			this.#flushTimer ??= setTimeout(() => void this.#flush(), flushDelayMs);
		}
	}

	async #flush(): Promise<void> {
		clearTimeout(this.#flushTimer);
		this.#flushTimer = undefined;
		if (this.#flushing) {
			// One write at a time; what comes in meanwhile goes with the next.
			await this.#flushing;
			if (this.#results.length > 0 && !this.#flushing) {
				return this.#flush();
			}

			return;
		}

		const batch = this.#results.splice(0, this.#settings.batchSize);
		if (batch.length === 0) {
			return;
		}

		this.#flushing = this.#write(batch).finally(() => {
			this.#flushing = undefined;
		});
		await this.#flushing;
		if (this.#results.length >= this.#settings.batchSize) {
			return this.#flush();
		}

		if (this.#results.length > 0) {
			this.#scheduleFlush();
		}
	}

	async #write(batch: Finished[]): Promise<void> {
		let applied: Set<number> | undefined;
		for (let attempt = 1; !applied; attempt++) {
			try {
				applied = await this.#exclusive(async () => recordResults(this.sequelize, this.#worker, batch));
			} catch (error) {
				if (attempt >= 4) {
					// The callbacks stay leased to this run; once it ends, the leases run out and
					// another run sends them again: nothing is lost.
					this.#fatal ??= error;
					return;
				}

				this.logger.warn(`could not write ${batch.length} results (try ${attempt} of 4)`, error);
				await new Promise(resolve => setTimeout(resolve, 250 * (4 ** (attempt - 1))));
			}
		}

		let lost = 0;
		for (const {id, outcome} of batch) {
			this.#held.delete(id);
			if (!applied.has(id)) {
				lost++;
				continue;
			}

			if (outcome.status === 'sent') {
				this.#summary.sent++;
			} else if (outcome.status === 'error') {
				this.#summary.failed++;
			} else {
				this.#summary.retrying++;
			}
		}

		if (lost > 0) {
			this.logger.warn(`${lost} callback(s) were taken over by another sender while this one sent them (lease ran out); their attempts are recorded, their status is the other sender's`);
		}
	}

	async #drainResults(): Promise<void> {
		while (this.#results.length > 0 || this.#flushing) {
			await this.#flush();
			if (this.#fatal !== undefined) {
				return;
			}
		}
	}

	async #releaseQueued(): Promise<void> {
		const ids = this.#queue.splice(0).map(callback => callback.id);
		await this.#release(ids);
	}

	async #release(ids: number[]): Promise<void> {
		if (ids.length === 0) {
			return;
		}

		try {
			await this.#exclusive(async () => releaseClaims(this.sequelize, this.#worker, ids, new Date()));
			for (const id of ids) {
				this.#held.delete(id);
			}
		} catch (error) {
			this.logger.warn(`could not give back ${ids.length} claimed callback(s); they are sent again when their lease runs out`, error);
		}
	}

	async #renew(): Promise<void> {
		try {
			await this.#exclusive(async () => renewLeases(this.sequelize, this.#worker, [...this.#held], new Date(Date.now() + this.#settings.leaseMs)));
		} catch (error) {
			this.logger.warn('could not renew the leases of claimed callbacks', error);
		}
	}

	readonly #writes: Array<() => void> = [];
	#writing = false;
	/**
	 * SQLite: this run's writes take turns, claims before the rest (they keep the requests going;
	 * results can wait a moment). Two writes at once would only contend for the file lock, and
	 * SQLite's busy handler sleeps while it waits.
	 */
	async #exclusive<T>(write: () => Promise<T>, {claim = false} = {}): Promise<T> {
		if (this.sequelize.getDialect() !== 'sqlite') {
			return write();
		}

		return new Promise<T>((resolve, reject) => {
			const turn = () => {
				write().then(resolve, reject).finally(() => {
					this.#writing = false;
					this.#nextWrite();
				});
			};

			if (claim) {
				this.#writes.unshift(turn);
			} else {
				this.#writes.push(turn);
			}

			this.#nextWrite();
		});
	}

	#nextWrite(): void {
		const next = this.#writing ? undefined : this.#writes.shift();
		if (next) {
			this.#writing = true;
			next();
		}
	}

	#recounting = false;
	async #recount(): Promise<void> {
		if (this.#recounting) {
			return;
		}

		this.#recounting = true;
		try {
			const ids = this.#idsLeft;
			const waiting = ids ? ids.length : await countRemaining(this.sequelize, {hookId: this.options.hookId, cutoff: this.options.watch ? new Date() : new Date(this.#started)});
			this.#remaining = waiting + this.#held.size;
			this.#finishedAtCount = this.#finished;
		} catch {
			// Only the progress line needs it.
		} finally {
			this.#recounting = false;
		}
	}

	#report(): void {
		const elapsedMs = Date.now() - this.#started;
		const {claimed, sent, retrying, failed} = this.#summary;
		const finished = this.#finished;
		this.options.onProgress?.({
			claimed, sent, retrying, failed, inFlight: this.#inFlight, elapsedMs,
			remaining: this.#remaining === undefined ? undefined : Math.max(0, this.#remaining - (finished - this.#finishedAtCount)),
			perSecond: elapsedMs > 0 ? finished / (elapsedMs / 1000) : 0,
		});
	}

	#finishedAtCount = 0;

	get #finished(): number {
		return this.#summary.sent + this.#summary.retrying + this.#summary.failed;
	}
}

/**
 * Send due callbacks (see SendOptions) and return what happened. Without `watch` it drains
 * what was due when it started, one attempt per callback at most, and returns.
 */
export async function sendCallbacks(sequelize: Sequelize, settings: DeliverySettings, options: SendOptions, logger: Logger): Promise<SendSummary> {
	return new SendRun(sequelize, settings, options, logger).run();
}
