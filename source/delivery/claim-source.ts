import type {Sequelize} from 'sequelize';
import {cancelledAmong} from './cancel-watch.js';
import {claimAbandoned, claimDue, claimIds, type ClaimedCallback, type Claimer} from './claim.js';
import {HookPolicies} from './hook-policies.js';
import {claimLimited} from './rate-limit.js';
import type {WriteTurns} from './write-turns.js';

type Settings = {
	sequelize: Sequelize;
	worker: string;
	leaseMs: number;
	turns: Pick<WriteTurns, 'run'>;
	hookId?: number;
	watch: boolean;
	/** When the run started: an explicit run takes only what was due then. */
	started: number;
	warn(message: string): void;
};

// Leases of dead senders are looked for at most this often (and whenever nothing else is due).
const abandonedCheckMs = 1000;

/**
 * What a run claims next: exactly the callback ids it was given (a resend), or the callbacks
 * whose sender died (lease run out) and then the due ones, longest due first.
 */
export class ClaimSource {
	/** Ids asked for that do not exist. */
	readonly missing: number[] = [];
	/** Ids asked for that are cancelled: never sent. */
	readonly cancelled: number[] = [];
	/** Hooks' limits and retry schedules: hooks with a rate limit or an in-flight cap are claimed apart, under them. */
	readonly policies: HookPolicies;
	#idsLeft: number[] | undefined;
	#lastAbandonedCheck = 0;
	/** Per limited hook held back by its limits: not looked at again before this time. */
	readonly #notBefore = new Map<number, number>();
	#retryInMs: number | undefined;
	#firstLimited = 0;

	constructor(private readonly settings: Settings, callbackIds?: number[]) {
		this.policies = new HookPolicies(settings.sequelize, settings.warn);
		this.#idsLeft = callbackIds && [...callbackIds];
	}

	/** Callback ids still to claim, or undefined when the run claims due callbacks. */
	get idsLeft(): number | undefined {
		return this.#idsLeft?.length;
	}

	/** True when nothing more can come: every id asked for was claimed. */
	get done(): boolean {
		return this.#idsLeft?.length === 0;
	}

	/** With `watch`, what is due now; else what was due when the run started (so a retry it schedules is never its own). */
	cutoff(now: Date): Date {
		return this.settings.watch ? now : new Date(this.settings.started);
	}

	/**
	 * After a claim: in how many ms a hook's limits may let more of its due callbacks go; undefined
	 * when no limit held anything back.
	 */
	get retryInMs(): number | undefined {
		return this.#retryInMs;
	}

	/** Claim up to `wanted` callbacks, leaving out the hooks in `full` (this sender holds a batch of each). */
	async claim(wanted: number, full: number[] = []): Promise<ClaimedCallback[]> {
		const {sequelize, worker, leaseMs, turns, hookId} = this.settings;
		const now = new Date();
		const claimer: Claimer = {worker, now, leaseUntil: new Date(now.getTime() + leaseMs)};
		const claim = async (query: () => Promise<ClaimedCallback[]>) => turns.run(query, {urgent: true});
		// Also for a resend: the hooks' retry schedules apply to what it sends.
		await this.policies.refresh(now.getTime());
		if (this.#idsLeft) {
			const ids = this.#idsLeft.splice(0, wanted);
			const claimed = await claim(async () => claimIds(sequelize, claimer, ids));
			const found = new Set(claimed.map(callback => callback.id));
			const notClaimed = ids.filter(id => !found.has(id));
			const cancelled = new Set(notClaimed.length > 0 ? await cancelledAmong(sequelize, notClaimed) : []);
			this.missing.push(...notClaimed.filter(id => !cancelled.has(id)));
			this.cancelled.push(...cancelled);
			return claimed;
		}

		const checkAbandoned = now.getTime() - this.#lastAbandonedCheck >= abandonedCheckMs;
		const limited = this.policies.limitedIds();
		const claimed = await this.#claimLimited(claimer, wanted, full, checkAbandoned);
		if (hookId !== undefined && limited.includes(hookId)) {
			return claimed;
		}

		const exclude = [...full, ...limited];
		const abandoned = async (limit: number) => {
			this.#lastAbandonedCheck = now.getTime();
			return claim(async () => claimAbandoned(sequelize, claimer, {hookId, exclude, limit}));
		};

		if (checkAbandoned && claimed.length < wanted) {
			claimed.push(...await abandoned(wanted - claimed.length));
		}

		if (claimed.length < wanted) {
			claimed.push(...await claim(async () => claimDue(sequelize, claimer, {hookId, exclude, limit: wanted - claimed.length, cutoff: this.cutoff(now)})));
		}

		return claimed.length === 0 && !checkAbandoned ? abandoned(wanted) : claimed;
	}

	/** Claim what the limits of the limited hooks allow, each in a transaction of its own (rate-limit.ts). */
	async #claimLimited(claimer: Claimer, wanted: number, full: number[], abandoned: boolean): Promise<ClaimedCallback[]> {
		const {sequelize, turns, hookId} = this.settings;
		const hooks = this.policies.limited().filter(hook => (hookId === undefined || hook.hookId === hookId) && !full.includes(hook.hookId));
		const now = claimer.now.getTime();
		const claimed: ClaimedCallback[] = [];
		this.#retryInMs = undefined;
		const held = (ms: number) => {
			this.#retryInMs = Math.min(this.#retryInMs ?? ms, ms);
		};

		// A different hook goes first each time, so one with a big allowance does not take every claim.
		this.#firstLimited = (this.#firstLimited + 1) % Math.max(1, hooks.length);
		for (const hook of [...hooks.slice(this.#firstLimited), ...hooks.slice(0, this.#firstLimited)]) {
			const notBefore = this.#notBefore.get(hook.hookId) ?? 0;
			if (notBefore > now) {
				held(notBefore - now);
				continue;
			}

			if (claimed.length >= wanted) {
				break;
			}

			const result = await turns.run(async () => claimLimited(sequelize, claimer, hook, {limit: wanted - claimed.length, cutoff: this.cutoff(claimer.now), abandoned}), {urgent: true});
			claimed.push(...result.claimed);
			if (result.retryInMs === undefined) {
				this.#notBefore.delete(hook.hookId);
			} else {
				this.#notBefore.set(hook.hookId, now + result.retryInMs);
				held(result.retryInMs);
			}
		}

		return claimed;
	}
}
