import type {Sequelize, Transaction} from 'sequelize';
import {HttpHooksError, InvalidHookError, InvalidSignalError, quote, StaleHookError} from '../errors.js';
import type {TemplateLimits} from '../payload/sandbox.js';
import type {SerializerSources} from '../payload/serializer.js';
import {libraryWrite} from '../store/library-writes.js';
import {readCatalog} from '../store/model-catalog.js';
import type {HookAttributes, HttpHooksModels, SignalAttributes} from '../store/models.js';
import {customSignalName, isBuiltInSignal} from '../signals.js';
import {validateHook, type HookInput, type ValidationContext} from './validate-hook.js';
import {checkInteger, ranges} from '../numbers.js';
import {sqlDate} from '../store/db-date.js';
import {lockName} from '../store/name-lock.js';
import {declaredInput, fieldChanges, type EnsureResult} from './ensure-hook.js';

// An enabled hook has no reason to be disabled: (re-)enabling clears what the sender stored.
const healthy = {disabledReason: null, disabledAt: null};

/** Forget a hook's run of failed attempts: re-enabled, it gets the full allowance again. */
async function clearFailures(sequelize: Sequelize, hookId: number, transaction?: Transaction): Promise<void> {
	await sequelize.query('DELETE FROM http_hook_health WHERE hook_id = :hookId', {replacements: {hookId}, transaction});
}

export type RotateOptions = {keepPreviousForMs?: number};

export type UpdateHookOptions = {
	/**
	 * The hook's `revision` when the editor loaded it: the save is refused with StaleHookError
	 * if the hook changed since, whoever changed it. Without it (nor `loaded`), no check.
	 */
	expectedRevision?: number;
	/** The hook as the editor loaded it: its revision is expected, and the error says what changed. */
	loaded?: HookRecord;
};

const defaultKeepPreviousMs = 24 * 60 * 60 * 1000;

/** A hook as the API returns it: its row with signal names. */
export type HookRecord = Omit<HookAttributes, 'signals'> & {signals: string[]};

/**
 * The secret fields of a hook whose secret becomes `newSecret`: a changed secret keeps the current
 * one signing beside it for `keepPreviousForMs` (0: dropped at once); an unchanged one leaves the
 * rotation window as it is; no secret (null or blank) drops both.
 */
export function secretChange(current: Pick<HookRecord, 'secret'>, newSecret: string | null, {keepPreviousForMs = defaultKeepPreviousMs}: RotateOptions = {}): Partial<HookInput> {
	checkInteger('keepPreviousForMs', keepPreviousForMs, ranges.keepPreviousForMs);

	const next = newSecret === null || String(newSecret).trim() === '' ? null : String(newSecret).trim();
	if (next !== null && next === current.secret) {
		return {secret: newSecret};
	}

	const keep = current.secret !== null && next !== null && keepPreviousForMs > 0;
	return {
		secret: newSecret,
		previousSecret: keep ? current.secret : null,
		previousSecretExpiresAt: keep ? sqlDate(new Date(Date.now() + keepPreviousForMs), 'The end of the previous secret') : null,
	};
}

/** Create, change and delete hooks and signals, validated by one set of rules for every caller. */
export class HookStore {
	constructor(
		private readonly sequelize: Sequelize,
		private readonly models: HttpHooksModels,
		private readonly serializers: SerializerSources,
		private readonly templateLimits?: TemplateLimits,
	) {}

	async validationContext(): Promise<ValidationContext> {
		const signals = await this.models.Signal.findAll({attributes: ['name']});
		return {
			catalog: await readCatalog(this.models, this.sequelize),
			signalNames: new Set(signals.map(signal => signal.name)),
			serializers: this.serializers,
			templateLimits: this.templateLimits,
		};
	}

	async createHook(input: HookInput): Promise<HookRecord> {
		const valid = await validateHook(input, await this.validationContext());
		const id = await libraryWrite(this.sequelize, async transaction => {
			const {signals, ...fields} = valid;
			const hook = await this.models.Hook.create(fields, {transaction});
			await this.link(hook.id, signals, transaction);
			return hook.id;
		});
		return this.getHook(id);
	}

	/**
	 * Change some fields of a hook; the whole result is validated as on creation, and only the
	 * fields given are written. With `expectedRevision` (or `loaded`), the save happens only if
	 * the hook is still as the editor saw it, else StaleHookError says what changed.
	 */
	async updateHook(id: number, changes: Partial<HookInput>, {expectedRevision, loaded}: UpdateHookOptions = {}): Promise<HookRecord> {
		const expected = expectedRevision ?? loaded?.revision;
		if (expected !== undefined && !Number.isSafeInteger(expected)) {
			throw new InvalidHookError(`expectedRevision ${quote(expected)} is not a revision (a whole number)`);
		}

		const current = await this.getHook(id);
		if (expected !== undefined && current.revision !== expected) {
			throw staleHook(current, expected, loaded);
		}

		const valid = await validateHook({...current, ...changes}, await this.validationContext());
		const {signals, ...fields} = valid;
		const written: Record<string, unknown> = {};
		for (const key of Object.keys(changes)) {
			if (key !== 'signals' && key in fields) {
				written[key] = fields[key as keyof typeof fields];
			}
		}

		await libraryWrite(this.sequelize, async transaction => this.write(current, written, 'signals' in changes ? signals : undefined, expected, transaction, loaded));
		return this.getHook(id);
	}

	/**
	 * Create the hook named `input.name`, or bring it to what `input` declares: every field given,
	 * the default of every field not given, except `enabled` and the secrets, kept as they are
	 * when not given (see declaredInput). Validated exactly as createHook. Two processes ensuring
	 * the same name take turns (lockName), so they never create two hooks.
	 */
	async ensureHook(input: HookInput): Promise<EnsureResult> {
		if (input === null || typeof input !== 'object' || Array.isArray(input)) {
			throw new InvalidHookError(`ensureHook needs the hook's fields (an object), got ${quote(input)}`);
		}

		const context = await this.validationContext();
		const name = typeof input.name === 'string' ? input.name.trim() : '';
		if (name === '') {
			await validateHook(input, context);
		}

		const {id, outcome, changes} = await libraryWrite(this.sequelize, async transaction => {
			await lockName(this.sequelize, name, transaction);
			const found = await this.models.Hook.findAll({where: {name}, include: [{model: this.models.Signal, as: 'signals', through: {attributes: []}}], order: [['id', 'ASC']], transaction});
			if (found.length > 1) {
				throw new InvalidHookError(`${found.length} hooks are named ${quote(name)} (ids ${found.map(hook => hook.id).join(', ')}): hooks as code match by name; rename or delete all but one`, {field: 'name'});
			}

			const current = found[0] ? toRecord(found[0].get({plain: true}) as HookAttributes) : undefined;
			const valid = await validateHook(declaredInput(input, current), context);
			const {signals, ...fields} = valid;
			if (!current) {
				const hook = await this.models.Hook.create(fields, {transaction});
				await this.link(hook.id, signals, transaction);
				return {id: hook.id, outcome: 'created' as const, changes: []};
			}

			const changes = fieldChanges(current, valid);
			if (changes.length === 0) {
				return {id: current.id, outcome: 'unchanged' as const, changes};
			}

			const written = Object.fromEntries(changes.filter(change => change.field !== 'signals').map(change => [change.field, fields[change.field as keyof typeof fields]]));
			await this.write(current, written, changes.some(change => change.field === 'signals') ? signals : undefined, undefined, transaction);
			return {id: current.id, outcome: 'updated' as const, changes};
		});
		return {hook: await this.getHook(id), outcome, changes};
	}

	/** Write validated fields (and signals, when given) of a hook, in `transaction`; with `expected`, only at that revision. */
	private async write(current: HookRecord, written: Record<string, unknown>, signals: string[] | undefined, expected: number | undefined, transaction: Transaction, loaded?: HookRecord): Promise<void> {
		const id = current.id;
		const enabling = written['enabled'] === true && !current.enabled;
		const where = expected === undefined ? {id} : {id, revision: expected};
		// The revision is written as well (the triggers move it on anyway): an update of
		// updatedAt alone is skipped by Sequelize, and this one must run to check `where`.
		const [count] = await this.models.Hook.update({...written, ...(enabling ? healthy : {}), revision: current.revision ?? 0, updatedAt: new Date()}, {where, transaction});
		if (count === 0) {
			// Changed (or deleted) between the check above and this write.
			throw staleHook(await this.getHook(id), expected ?? 0, loaded);
		}

		if (enabling) {
			await clearFailures(this.sequelize, id, transaction);
		}

		if (signals !== undefined) {
			await this.models.SignalLink.destroy({where: {hookId: id}, transaction});
			await this.link(id, signals, transaction);
		}
	}

	/**
	 * Give a hook a new secret; its current one stays in use beside it for `keepPreviousForMs`
	 * (default 24 h; 0 drops it at once), so both signatures are sent meanwhile.
	 */
	async rotateSecret(id: number, newSecret: string, options: RotateOptions = {}): Promise<HookRecord> {
		return this.updateHook(id, secretChange(await this.getHook(id), newSecret, options));
	}

	async setHookEnabled(id: number, enabled: boolean): Promise<HookRecord> {
		const current = await this.getHook(id);
		await libraryWrite(this.sequelize, async transaction => {
			await this.models.Hook.update({enabled, ...(enabled ? healthy : {}), updatedAt: new Date()}, {where: {id}, transaction});
			if (enabled && !current.enabled) {
				await clearFailures(this.sequelize, id, transaction);
			}
		});
		return this.getHook(id);
	}

	async deleteHook(id: number): Promise<void> {
		const deleted = await libraryWrite(this.sequelize, async transaction => {
			const count = await this.models.Hook.destroy({where: {id}, transaction});
			await clearFailures(this.sequelize, id, transaction);
			await this.sequelize.query('DELETE FROM http_hook_rate_buckets WHERE hook_id = :id', {replacements: {id}, transaction});
			return count;
		});
		if (deleted === 0) {
			throw new HttpHooksError(`No hook with id ${quote(id)}`);
		}
	}

	async getHook(id: number): Promise<HookRecord> {
		const hook = await this.models.Hook.findByPk(id, {include: [{model: this.models.Signal, as: 'signals', through: {attributes: []}}]});
		if (!hook) {
			throw new HttpHooksError(`No hook with id ${quote(id)}`);
		}

		return toRecord(hook.get({plain: true}) as HookAttributes);
	}

	async listHooks(): Promise<HookRecord[]> {
		const hooks = await this.models.Hook.findAll({
			include: [{model: this.models.Signal, as: 'signals', through: {attributes: []}}],
			order: [['id', 'ASC']],
		});
		return hooks.map(hook => toRecord(hook.get({plain: true}) as HookAttributes));
	}

	/** Create a custom signal row; creating one that exists returns it. */
	async createSignal(name: string): Promise<SignalAttributes> {
		if (typeof name !== 'string' || !customSignalName.test(name)) {
			throw new InvalidSignalError(`Signal name ${quote(name)} is not valid: use dotted words such as "orders.shipped"`);
		}

		const [signal] = await libraryWrite(this.sequelize, async transaction => this.models.Signal.findOrCreate({where: {name}, defaults: {name, builtIn: isBuiltInSignal(name)}, transaction}));
		return signal.get({plain: true}) as SignalAttributes;
	}

	async listSignals(): Promise<SignalAttributes[]> {
		const signals = await this.models.Signal.findAll({order: [['builtIn', 'DESC'], ['name', 'ASC']]});
		return signals.map(signal => signal.get({plain: true}) as SignalAttributes);
	}

	/**
	 * Delete a custom signal. Refused (InvalidSignalError naming them) while hooks use it: the
	 * check and the delete are one transaction, with the signal's row locked, so a hook saved
	 * meanwhile cannot lose its signal.
	 */
	async deleteSignal(name: string): Promise<void> {
		if (typeof name !== 'string') {
			throw new InvalidSignalError(`A signal name must be text, got ${quote(name)}`);
		}

		if (isBuiltInSignal(name)) {
			throw new InvalidSignalError(`Signal ${quote(name)} is built in and cannot be deleted`);
		}

		await libraryWrite(this.sequelize, async transaction => {
			const signal = await this.models.Signal.findOne({where: {name}, lock: transaction.LOCK.UPDATE, transaction});
			if (!signal) {
				throw new InvalidSignalError(`No signal named ${quote(name)}`);
			}

			const links = await this.models.SignalLink.findAll({where: {signalId: signal.id}, attributes: ['hookId'], transaction});
			if (links.length > 0) {
				const hooks = await this.models.Hook.findAll({where: {id: links.map(link => link.hookId)}, attributes: ['id', 'name'], order: [['id', 'ASC']], transaction});
				throw new InvalidSignalError(`Signal ${quote(name)} is used by ${hooks.length === 1 ? 'hook' : `${hooks.length} hooks`} ${hooks.map(hook => `${quote(hook.name)} (id ${hook.id})`).join(', ')}: change or delete ${hooks.length === 1 ? 'it' : 'them'} first`);
			}

			await signal.destroy({transaction});
		});
	}

	private async link(hookId: number, signals: string[], transaction: Transaction): Promise<void> {
		const rows = await this.models.Signal.findAll({where: {name: signals}, transaction});
		await this.models.SignalLink.bulkCreate(rows.map(signal => ({hookId, signalId: signal.id})), {transaction});
	}
}

// What an editor sees of a hook, for saying what changed under it (secrets by name only).
const watched: Array<[keyof HookRecord, string]> = [
	['name', 'name'], ['model', 'model'], ['signals', 'signals'], ['targetUrl', 'target URL'], ['httpMethod', 'method'],
	['contentType', 'content type'], ['headers', 'headers'], ['payloadTemplate', 'payload template'], ['serializerClass', 'serializer'],
	['secret', 'secret'], ['previousSecret', 'previous secret'], ['ordered', 'ordered'], ['condition', 'condition'],
	['rateLimit', 'rate limit'], ['maxInFlight', 'max in flight'], ['maxAttempts', 'max attempts'], ['retryDelays', 'retry delays'],
];

function staleHook(current: HookRecord, expected: number, loaded?: HookRecord): StaleHookError {
	const changes: string[] = [];
	if (loaded && loaded.enabled !== current.enabled) {
		changes.push(current.enabled ? 'it was enabled' : `it was disabled${current.disabledReason ? ` (${current.disabledReason})` : ''}`);
	}

	const fields = loaded ? watched.filter(([key]) => JSON.stringify(loaded[key] ?? null) !== JSON.stringify(current[key] ?? null)).map(([, label]) => label) : [];
	if (fields.length > 0) {
		changes.push(`${fields.join(', ')} changed`);
	}

	const what = changes.length > 0 ? changes.join('; ') : `it was saved elsewhere (revision ${expected}, now ${current.revision ?? 0})`;
	return new StaleHookError(`Hook ${quote(current.name)} (id ${current.id}) changed since it was loaded: ${what}. Nothing was saved; load it again and redo the edit.`, {changes: what, current});
}

function toRecord(hook: HookAttributes): HookRecord {
	return {...hook, signals: (hook.signals ?? []).map(signal => signal.name).sort()};
}
