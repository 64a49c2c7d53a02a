import {QueryTypes, type Sequelize} from 'sequelize';

// How often a sender looks for cancels among the callbacks it claimed and has not started.
const checkEveryMs = 250;
// Ids per lookup (primary-key probes).
const chunk = 1000;

/** Of `ids`, the cancelled ones. */
export async function cancelledAmong(sequelize: Sequelize, ids: number[]): Promise<number[]> {
	const found: number[] = [];
	for (let start = 0; start < ids.length; start += chunk) {
		const rows = await sequelize.query<{id: number | string}>(
			'SELECT id FROM http_callbacks WHERE id IN (:ids) AND status = \'cancelled\'',
			{replacements: {ids: ids.slice(start, start + chunk)}, type: QueryTypes.SELECT},
		);
		found.push(...rows.map(row => Number(row.id)));
	}

	return found;
}

/**
 * A sender claims ahead: callbacks wait in its queue before their request starts. This looks,
 * a few times a second and only while that queue has any, which of them were cancelled
 * meanwhile, and hands those to `drop` (which takes them out of the queue and releases them),
 * so a cancel does not wait for requests that need not go out. A failed look is tried again at
 * the next tick: a cancelled callback that is sent all the same is waited for by the cancel.
 */
export class CancelWatch {
	#timer: NodeJS.Timeout | undefined;
	#checking = false;

	constructor(private readonly sequelize: Sequelize, private readonly queued: () => number[], private readonly drop: (ids: number[]) => Promise<void>) {}

	start(): void {
		this.#timer ??= setInterval(() => void this.#check(), checkEveryMs);
		this.#timer.unref();
	}

	stop(): void {
		clearInterval(this.#timer);
		this.#timer = undefined;
	}

	async #check(): Promise<void> {
		const ids = this.queued();
		if (this.#checking || ids.length === 0) {
			return;
		}

		this.#checking = true;
		try {
			const cancelled = await cancelledAmong(this.sequelize, ids);
			if (cancelled.length > 0) {
				await this.drop(cancelled);
			}
		} catch {
			// The database is away: the sender's own outage handling says so.
		} finally {
			this.#checking = false;
		}
	}
}
