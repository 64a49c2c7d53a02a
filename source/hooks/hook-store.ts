import type {Sequelize, Transaction} from 'sequelize';
import {HttpHooksError, InvalidHookError, InvalidSignalError, quote} from '../errors.js';
import type {TemplateLimits} from '../payload/sandbox.js';
import type {SerializerSources} from '../payload/serializer.js';
import {readCatalog} from '../store/model-catalog.js';
import type {HookAttributes, HttpHooksModels, SignalAttributes} from '../store/models.js';
import {customSignalName, isBuiltInSignal} from '../signals.js';
import {validateHook, type HookInput, type ValidationContext} from './validate-hook.js';
import {checkInteger, ranges} from '../numbers.js';
import {sqlDate} from '../store/db-date.js';

// An enabled hook has no reason to be disabled: (re-)enabling clears what the sender stored.
const healthy = {disabledReason: null, disabledAt: null};

/** Forget a hook's run of failed attempts: re-enabled, it gets the full allowance again. */
async function clearFailures(sequelize: Sequelize, hookId: number, transaction?: Transaction): Promise<void> {
	await sequelize.query('DELETE FROM http_hook_health WHERE hook_id = :hookId', {replacements: {hookId}, transaction});
}

export type RotateOptions = {keepPreviousForMs?: number};

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
		const id = await this.sequelize.transaction(async transaction => {
			const {signals, ...fields} = valid;
			const hook = await this.models.Hook.create(fields, {transaction});
			await this.link(hook.id, signals, transaction);
			return hook.id;
		});
		return this.getHook(id);
	}

	/** Change some fields of a hook; the whole result is validated as on creation. */
	async updateHook(id: number, changes: Partial<HookInput>): Promise<HookRecord> {
		const current = await this.getHook(id);
		const valid = await validateHook({...current, ...changes}, await this.validationContext());
		await this.sequelize.transaction(async transaction => {
			const {signals, ...fields} = valid;
			await this.models.Hook.update({...fields, ...(fields.enabled ? healthy : {}), updatedAt: new Date()}, {where: {id}, transaction});
			if (fields.enabled && !current.enabled) {
				await clearFailures(this.sequelize, id, transaction);
			}

			await this.models.SignalLink.destroy({where: {hookId: id}, transaction});
			await this.link(id, signals, transaction);
		});
		return this.getHook(id);
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
		await this.sequelize.transaction(async transaction => {
			await this.models.Hook.update({enabled, ...(enabled ? healthy : {}), updatedAt: new Date()}, {where: {id}, transaction});
			if (enabled && !current.enabled) {
				await clearFailures(this.sequelize, id, transaction);
			}
		});
		return this.getHook(id);
	}

	async deleteHook(id: number): Promise<void> {
		const deleted = await this.models.Hook.destroy({where: {id}});
		await clearFailures(this.sequelize, id);
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

		const [signal] = await this.models.Signal.findOrCreate({where: {name}, defaults: {name, builtIn: isBuiltInSignal(name)}});
		return signal.get({plain: true}) as SignalAttributes;
	}

	async listSignals(): Promise<SignalAttributes[]> {
		const signals = await this.models.Signal.findAll({order: [['builtIn', 'DESC'], ['name', 'ASC']]});
		return signals.map(signal => signal.get({plain: true}) as SignalAttributes);
	}

	async deleteSignal(name: string): Promise<void> {
		if (isBuiltInSignal(name)) {
			throw new InvalidSignalError(`Signal ${quote(name)} is built in and cannot be deleted`);
		}

		const signal = await this.models.Signal.findOne({where: {name}, include: [{model: this.models.Hook, as: 'hooks'}]});
		if (!signal) {
			throw new InvalidSignalError(`No signal named ${quote(name)}`);
		}

		const hooks = (signal as unknown as {hooks: Array<{name: string}>}).hooks;
		if (hooks.length > 0) {
			throw new InvalidHookError(`Signal ${quote(name)} is used by hooks ${hooks.map(hook => quote(hook.name)).join(', ')}`);
		}

		await signal.destroy();
	}

	private async link(hookId: number, signals: string[], transaction: Transaction): Promise<void> {
		const rows = await this.models.Signal.findAll({where: {name: signals}, transaction});
		await this.models.SignalLink.bulkCreate(rows.map(signal => ({hookId, signalId: signal.id})), {transaction});
	}
}

function toRecord(hook: HookAttributes): HookRecord {
	return {...hook, signals: (hook.signals ?? []).map(signal => signal.name).sort()};
}
