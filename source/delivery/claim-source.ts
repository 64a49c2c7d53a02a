import type {Sequelize} from 'sequelize';
import {cancelledAmong} from './cancel-watch.js';
import {claimAbandoned, claimDue, claimIds, type ClaimedCallback, type Claimer} from './claim.js';
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
	#idsLeft: number[] | undefined;
	#lastAbandonedCheck = 0;

	constructor(private readonly settings: Settings, callbackIds?: number[]) {
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

	async claim(wanted: number): Promise<ClaimedCallback[]> {
		const {sequelize, worker, leaseMs, turns, hookId} = this.settings;
		const now = new Date();
		const claimer: Claimer = {worker, now, leaseUntil: new Date(now.getTime() + leaseMs)};
		const claim = async (query: () => Promise<ClaimedCallback[]>) => turns.run(query, {urgent: true});
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

		const abandoned = async () => {
			this.#lastAbandonedCheck = now.getTime();
			return claim(async () => claimAbandoned(sequelize, claimer, {hookId, limit: wanted}));
		};

		const checkAbandoned = now.getTime() - this.#lastAbandonedCheck >= abandonedCheckMs;
		const claimed = checkAbandoned ? await abandoned() : [];
		if (claimed.length < wanted) {
			claimed.push(...await claim(async () => claimDue(sequelize, claimer, {hookId, limit: wanted - claimed.length, cutoff: this.cutoff(now)})));
		}

		return claimed.length === 0 && !checkAbandoned ? abandoned() : claimed;
	}
}
