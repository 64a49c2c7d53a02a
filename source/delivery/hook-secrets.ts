import {QueryTypes, type Sequelize} from 'sequelize';
import {secretKey} from './sign.js';

type Entry = {key: Buffer | Error | null; loadedAt: number};

/**
 * The signing keys of hooks, read from `http_hooks` by id when a batch is sent and kept for a
 * while, so that a long-running sender picks up a secret changed on the hook. A callback whose
 * hook was deleted is sent unsigned.
 */
export class HookSecrets {
	readonly #entries = new Map<number, Entry>();

	constructor(private readonly sequelize: Sequelize, private readonly maxAgeMs = 30_000) {}

	/** Load the keys of these hooks that are not known yet (or known for too long). */
	async load(hookIds: Iterable<number | null>, now = Date.now()): Promise<void> {
		const wanted = new Set<number>();
		for (const id of hookIds) {
			const entry = id === null ? undefined : this.#entries.get(id);
			if (id !== null && (!entry || now - entry.loadedAt > this.maxAgeMs)) {
				wanted.add(id);
			}
		}

		if (wanted.size === 0) {
			return;
		}

		const rows = await this.sequelize.query<{id: number; secret: string | null}>(
			'SELECT id, secret FROM http_hooks WHERE id IN (:ids)',
			{replacements: {ids: [...wanted]}, type: QueryTypes.SELECT},
		);
		for (const id of wanted) {
			this.#entries.set(id, {key: null, loadedAt: now});
		}

		for (const row of rows) {
			this.#entries.set(Number(row.id), {key: row.secret ? keyOrError(row.id, row.secret) : null, loadedAt: now});
		}
	}

	/** The key of a hook loaded before; null when it has no secret, an Error when it is unusable. */
	keyOf(hookId: number | null): Buffer | Error | null {
		return hookId === null ? null : this.#entries.get(hookId)?.key ?? null;
	}
}

// A malformed secret (written past the validation, e.g. in SQL) must not mean "send unsigned".
function keyOrError(hookId: number, secret: string): Buffer | Error {
	try {
		return secretKey(secret);
	} catch {
		return new Error(`hook ${hookId} has an invalid secret (not "whsec_" and base64): not sent unsigned`);
	}
}
