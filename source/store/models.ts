import {DataTypes, Model, type ModelStatic, type Sequelize} from 'sequelize';
import {dialectOf} from './dialects/index.js';

// Plain shapes of the library's rows, as the models return them (camelCase attributes).
export type HookAttributes = {
	id: number;
	name: string;
	model: string;
	targetUrl: string;
	httpMethod: string;
	contentType: string | null;
	headers: string;
	payloadTemplate: string | null;
	serializerClass: string | null;
	secret: string | null;
	/** Columns added by later migrations: always read from the database, optional in hand-made rows. */
	previousSecret?: string | null;
	previousSecretExpiresAt?: Date | null;
	/** Why the sender disabled the hook (its endpoint kept failing, or is gone), and when. */
	disabledReason?: string | null;
	disabledAt?: Date | null;
	/** Callbacks for one record are delivered strictly in creation order. */
	ordered?: boolean;
	/** A nunjucks expression: when false for a change, no callback is written. */
	condition?: string | null;
	/** Moved by triggers on every change of the row or its signals (saves check it). */
	revision?: number;
	/** Delivery control (see DeliveryFields): null is no limit, the sender's schedule. */
	rateLimit?: number | null;
	maxInFlight?: number | null;
	maxAttempts?: number | null;
	retryDelays?: number[] | null;
	enabled: boolean;
	createdAt: Date;
	updatedAt: Date;
	signals?: SignalAttributes[];
};

export type SignalAttributes = {id: number; name: string; builtIn: boolean; createdAt: Date; updatedAt: Date};

/** `cancelled` is final like `sent` and `error`: a cancelled callback is never sent. */
export type CallbackStatus = 'waiting' | 'sending' | 'sent' | 'error' | 'cancelled';

export type CallbackAttributes = {
	id: number;
	hookId: number | null;
	hookName: string;
	model: string | null;
	objectId: string | null;
	/** With an ordered hook: callbacks of one hook and key go out in creation order. */
	orderingKey?: string | null;
	eventType: string;
	webhookId: string;
	targetUrl: string;
	httpMethod: string;
	contentType: string | null;
	headers: string;
	payload: string | null;
	status: CallbackStatus;
	statusDetails: string | null;
	attempts: number;
	nextAttemptAt: Date | null;
	leaseUntil: Date | null;
	lockedBy: string | null;
	/** The W3C trace context active when the callback was captured (with OpenTelemetry), else null. */
	traceparent?: string | null;
	createdAt: Date;
	updatedAt: Date;
};

export type AttemptAttributes = {
	id: number;
	callbackId: number;
	attempt: number;
	startedAt: Date;
	durationMs: number;
	statusCode: number | null;
	error: string | null;
	responseBody: string | null;
};

export type HookModelAttributes = {
	name: string;
	tableName: string | null;
	primaryKey: string | null;
	attributes: string;
	associations: string;
	updatedAt: Date;
};

type Row<T extends object> = Model<T, Partial<T>> & T;

export type HttpHooksModels = {
	Hook: ModelStatic<Row<HookAttributes>>;
	Signal: ModelStatic<Row<SignalAttributes>>;
	SignalLink: ModelStatic<Row<{hookId: number; signalId: number}>>;
	Callback: ModelStatic<Row<CallbackAttributes>>;
	Attempt: ModelStatic<Row<AttemptAttributes>>;
	HookModel: ModelStatic<Row<HookModelAttributes>>;
};

const defined = new WeakMap<Sequelize, HttpHooksModels>();

// PostgreSQL returns BIGINT as a string; ids of callbacks and attempts are read back as numbers.
function numericId(name: string) {
	return {
		type: DataTypes.BIGINT,
		get(this: Model) {
			const value = this.getDataValue(name) as unknown;
			return value === null || value === undefined ? value : Number(value);
		},
	};
}

const common = {underscored: true, timestamps: true} as const;

/** A stored retry schedule (JSON text) as a list of ms, or null when there is none or it is not one. */
export function parseRetryDelays(text: unknown): number[] | null {
	if (typeof text !== 'string') {
		return null;
	}

	try {
		const value = JSON.parse(text) as unknown;
		return Array.isArray(value) && value.length > 0 && value.every(delay => Number.isSafeInteger(delay) && (delay as number) >= 0) ? value as number[] : null;
	} catch {
		return null;
	}
}

/**
 * The library's models, defined once per Sequelize instance. They are taken out of the
 * instance's model list again, so that the app's `sequelize.sync()` never touches the library's
 * tables (those belong to its migrations) and the app's models stay the app's.
 */
export function defineModels(sequelize: Sequelize): HttpHooksModels {
	const existing = defined.get(sequelize);
	if (existing) {
		return existing;
	}

	// Times as the dialect's columns hold them (MySQL: to the millisecond), the timestamps too.
	const date = dialectOf(sequelize).schema.date;
	const stamps = {createdAt: {type: date, allowNull: false}, updatedAt: {type: date, allowNull: false}};
	const Hook = sequelize.define('HttpHook', {
		...stamps,
		id: {type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true},
		name: {type: DataTypes.STRING, allowNull: false},
		model: {type: DataTypes.STRING, allowNull: false},
		targetUrl: {type: DataTypes.TEXT, allowNull: false},
		httpMethod: {type: DataTypes.STRING, allowNull: false},
		contentType: {type: DataTypes.STRING, allowNull: true},
		headers: {type: DataTypes.TEXT, allowNull: false, defaultValue: ''},
		payloadTemplate: {type: DataTypes.TEXT, allowNull: true},
		serializerClass: {type: DataTypes.STRING, allowNull: true},
		secret: {type: DataTypes.TEXT, allowNull: true},
		previousSecret: {type: DataTypes.TEXT, allowNull: true},
		previousSecretExpiresAt: {type: date, allowNull: true},
		disabledReason: {type: DataTypes.TEXT, allowNull: true},
		disabledAt: {type: date, allowNull: true},
		ordered: {type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false},
		condition: {type: DataTypes.TEXT, allowNull: true},
		revision: {type: DataTypes.INTEGER, allowNull: false, defaultValue: 0},
		rateLimit: {type: DataTypes.DOUBLE, allowNull: true, get(this: Model) {
			const value = this.getDataValue('rateLimit') as unknown;
			return value === null || value === undefined ? value : Number(value);
		}},
		maxInFlight: {type: DataTypes.INTEGER, allowNull: true},
		maxAttempts: {type: DataTypes.INTEGER, allowNull: true},
		// A JSON list in a TEXT column; what cannot be read as one (plain SQL) reads as null.
		retryDelays: {type: DataTypes.TEXT, allowNull: true, get(this: Model) {
			return parseRetryDelays(this.getDataValue('retryDelays'));
		}, set(this: Model, value: unknown) {
			this.setDataValue('retryDelays', value === null || value === undefined ? value : JSON.stringify(value));
		}},
		enabled: {type: DataTypes.BOOLEAN, allowNull: false, defaultValue: true},
	}, {...common, tableName: 'http_hooks'}) as HttpHooksModels['Hook'];

	const Signal = sequelize.define('HttpHookSignal', {
		...stamps,
		id: {type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true},
		name: {type: DataTypes.STRING, allowNull: false, unique: true},
		builtIn: {type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false},
	}, {...common, tableName: 'http_hook_signals'}) as HttpHooksModels['Signal'];

	const SignalLink = sequelize.define('HttpHookSignalLink', {
		hookId: {type: DataTypes.INTEGER, primaryKey: true},
		signalId: {type: DataTypes.INTEGER, primaryKey: true},
	}, {underscored: true, timestamps: false, tableName: 'http_hook_signal_links'}) as HttpHooksModels['SignalLink'];

	const Callback = sequelize.define('HttpCallback', {
		...stamps,
		id: {...numericId('id'), primaryKey: true, autoIncrement: true},
		hookId: {type: DataTypes.INTEGER, allowNull: true},
		hookName: {type: DataTypes.STRING, allowNull: false},
		model: {type: DataTypes.STRING, allowNull: true},
		objectId: {type: DataTypes.TEXT, allowNull: true},
		orderingKey: {type: DataTypes.STRING, allowNull: true},
		eventType: {type: DataTypes.STRING, allowNull: false},
		webhookId: {type: DataTypes.STRING, allowNull: false},
		targetUrl: {type: DataTypes.TEXT, allowNull: false},
		httpMethod: {type: DataTypes.STRING, allowNull: false},
		contentType: {type: DataTypes.STRING, allowNull: true},
		headers: {type: DataTypes.TEXT, allowNull: false, defaultValue: '{}'},
		payload: {type: DataTypes.TEXT, allowNull: true},
		status: {type: DataTypes.STRING, allowNull: false, defaultValue: 'waiting'},
		statusDetails: {type: DataTypes.TEXT, allowNull: true},
		attempts: {type: DataTypes.INTEGER, allowNull: false, defaultValue: 0},
		nextAttemptAt: {type: date, allowNull: true},
		leaseUntil: {type: date, allowNull: true},
		lockedBy: {type: DataTypes.STRING, allowNull: true},
		traceparent: {type: DataTypes.STRING(64), allowNull: true},
	}, {...common, tableName: 'http_callbacks'}) as HttpHooksModels['Callback'];

	const Attempt = sequelize.define('HttpCallbackAttempt', {
		id: {...numericId('id'), primaryKey: true, autoIncrement: true},
		callbackId: {...numericId('callbackId'), allowNull: false},
		attempt: {type: DataTypes.INTEGER, allowNull: false},
		startedAt: {type: date, allowNull: false},
		durationMs: {type: DataTypes.INTEGER, allowNull: false},
		statusCode: {type: DataTypes.INTEGER, allowNull: true},
		error: {type: DataTypes.TEXT, allowNull: true},
		responseBody: {type: DataTypes.TEXT, allowNull: true},
	}, {underscored: true, timestamps: false, tableName: 'http_callback_attempts'}) as HttpHooksModels['Attempt'];

	const HookModel = sequelize.define('HttpHookModel', {
		updatedAt: stamps.updatedAt,
		name: {type: DataTypes.STRING, primaryKey: true},
		tableName: {type: DataTypes.STRING, allowNull: true},
		primaryKey: {type: DataTypes.STRING, allowNull: true},
		attributes: {type: DataTypes.TEXT, allowNull: false},
		associations: {type: DataTypes.TEXT, allowNull: false},
	}, {underscored: true, timestamps: true, createdAt: false, tableName: 'http_hook_models'}) as HttpHooksModels['HookModel'];

	Hook.belongsToMany(Signal, {through: SignalLink, foreignKey: 'hookId', otherKey: 'signalId', as: 'signals'});
	Signal.belongsToMany(Hook, {through: SignalLink, foreignKey: 'signalId', otherKey: 'hookId', as: 'hooks'});
	Callback.belongsTo(Hook, {foreignKey: 'hookId', as: 'hook', constraints: false});
	Callback.hasMany(Attempt, {foreignKey: 'callbackId', as: 'attemptRows', constraints: false});

	const models: HttpHooksModels = {Hook, Signal, SignalLink, Callback, Attempt, HookModel};
	for (const model of Object.values(models)) {
		sequelize.modelManager.removeModel(model);
	}

	defined.set(sequelize, models);
	return models;
}

/** True for the library's own models, which never fire hooks. */
export function isLibraryModel(model: {name: string}, sequelize: Sequelize): boolean {
	const models = defined.get(sequelize);
	return models !== undefined && Object.values(models).some(own => own.name === model.name);
}
