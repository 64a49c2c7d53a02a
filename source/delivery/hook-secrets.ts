import {QueryTypes, type Sequelize} from 'sequelize';
import {secretKey} from './sign.js';

type Entry = {key: Buffer | Error | null; previous?: {key: Buffer | Error; until: number}; loadedAt: number};

type SecretRow = {id: number; secret: string | null; previous_secret: string | null; previous_secret_expires_at: Date | string | null};

/**
 * The signing keys of hooks, read from `http_hooks` by id for every batch the sender claims (one
 * query per batch), so a secret set, rotated or cleared anywhere, plain SQL included, signs the
 * next batch sent. A callback whose hook was deleted is sent unsigned. A previous secret
 * (rotation) signs too until it expires.
 */
export class HookSecrets {
	readonly #entries = new Map<number, Entry>();

	constructor(private readonly sequelize: Sequelize, private readonly maxAgeMs = 0) {}

	/** Load the keys of these hooks again (those loaded less than `maxAgeMs` ago are kept; by default none). */
	async load(hookIds: Iterable<number | null>, now = Date.now()): Promise<void> {
		const wanted = new Set<number>();
		for (const id of hookIds) {
			const entry = id === null ? undefined : this.#entries.get(id);
			if (id !== null && (!entry || now - entry.loadedAt >= this.maxAgeMs)) {
				wanted.add(id);
			}
		}

		if (wanted.size === 0) {
			return;
		}

		const rows = await this.sequelize.query<SecretRow>(
			'SELECT id, secret, previous_secret, previous_secret_expires_at FROM http_hooks WHERE id IN (:ids)',
			{replacements: {ids: [...wanted]}, type: QueryTypes.SELECT},
		);
		for (const id of wanted) {
			this.#entries.set(id, {key: null, loadedAt: now});
		}

		for (const row of rows) {
			const until = row.previous_secret_expires_at === null ? Number.NaN : new Date(row.previous_secret_expires_at).getTime();
			const previous = row.secret && row.previous_secret && until > now ? {key: keyOrError(row.id, row.previous_secret), until} : undefined;
			this.#entries.set(Number(row.id), {key: row.secret ? keyOrError(row.id, row.secret) : null, previous, loadedAt: now});
		}
	}

	/**
	 * The keys of a hook loaded before: its secret's, and while a rotation's window is open the
	 * previous secret's after it; null when it has no secret, an Error when one is unusable.
	 */
	keyOf(hookId: number | null, now = Date.now()): Buffer | Buffer[] | Error | null {
		const entry = hookId === null ? undefined : this.#entries.get(hookId);
		if (!entry?.key || entry.key instanceof Error || !entry.previous || entry.previous.until <= now) {
			return entry?.key ?? null;
		}

		return entry.previous.key instanceof Error ? entry.previous.key : [entry.key, entry.previous.key];
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
