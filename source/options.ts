import {HttpHooksError, quote} from './errors.js';
import path from 'node:path';
import type {SerializerClass, SerializerModules} from './payload/serializer.js';
import {checkInteger, ranges} from './numbers.js';
import {defaultTemplateLimits, type TemplateLimits} from './payload/sandbox.js';
import {resolveDeliverySettings, type DeliveryOptions, type DeliverySettings} from './delivery/delivery-settings.js';

/** A warning's parts, for loggers that keep fields (JSON lines): its text without the prefix, the error, the ids. */
export type LogDetails = {message: string; error?: string; hookId?: number; callbackIds?: number[]};

/** Where the library's warnings go: the first argument is the whole line, the second its parts. */
export type Logger = {warn(message: string, details?: LogDetails): void};

export type HttpHooksOptions = {
	/** Serializers a hook may name in serializerClass. */
	serializers?: Record<string, SerializerClass>;
	/** Opt in to serializers named by module (`./file.js#Export`): files inside this absolute directory only. Default: none. */
	serializerModules?: SerializerModules | null;
	/** Let errors while building callbacks fail the user's write. Env HTTP_HOOKS_RAISE_EXCEPTIONS; default false. */
	raiseExceptions?: boolean;
	/** Bind nothing and create no callbacks. Env HTTP_HOOKS_SHUT_DOWN; default false. */
	shutDown?: boolean;
	/** Apply the library's pending migrations first; default true. */
	migrate?: boolean;
	/** How often the hook version is polled, in ms (the backstop on PostgreSQL); default 1000. */
	reloadIntervalMs?: number;
	/** SQLite only: how long a write waits for another process's lock, in ms; default 5000. */
	sqliteBusyTimeoutMs?: number;
	/** Where warnings go (the sender's too); default console.warn. */
	logger?: Logger;
	/** Load `@opentelemetry/api` (when installed) to store trace context with callbacks and trace attempts; default true. */
	tracing?: boolean;
	/** How callbacks are sent: timeout, attempts, retry schedule, lease, concurrency… (see DeliveryOptions). */
	delivery?: DeliveryOptions;
	/** The largest payload (rendered template or serializer output), in bytes; default 1 MiB. */
	maxPayloadBytes?: number;
	/** The longest one template render may take, in ms; default 100. */
	templateTimeoutMs?: number;
	/** Loop iterations and macro calls in one template render (and the longest range()); default 100000. */
	templateMaxIterations?: number;
};

type TemplateLimitOptions = 'maxPayloadBytes' | 'templateTimeoutMs' | 'templateMaxIterations';

export type ResolvedOptions = Required<Omit<HttpHooksOptions, 'logger' | 'delivery' | 'serializerModules' | TemplateLimitOptions>> & {
	serializerModules: SerializerModules | null; delivery: DeliverySettings; templateLimits: TemplateLimits;
	warn(message: string, error?: unknown, fields?: Pick<LogDetails, 'hookId' | 'callbackIds'>): void;
};

function checkSerializerModules(value: SerializerModules | null | undefined): SerializerModules | null {
	if (value === undefined || value === null) {
		return null;
	}

	const directory = (value as Partial<SerializerModules>).directory;
	if (typeof directory !== 'string' || !path.isAbsolute(directory)) {
		throw new HttpHooksError(`serializerModules.directory ${quote(directory)} must be an absolute path`);
	}

	return {directory: path.resolve(directory)};
}

/** The limits every template render and payload of this process keeps. */
export function resolveTemplateLimits(options: HttpHooksOptions = {}): TemplateLimits {
	return {
		maxOutputBytes: checkInteger('maxPayloadBytes', options.maxPayloadBytes ?? defaultTemplateLimits.maxOutputBytes, ranges.maxPayloadBytes),
		timeoutMs: checkInteger('templateTimeoutMs', options.templateTimeoutMs ?? defaultTemplateLimits.timeoutMs, ranges.templateTimeoutMs),
		maxIterations: checkInteger('templateMaxIterations', options.templateMaxIterations ?? defaultTemplateLimits.maxIterations, ranges.templateMaxIterations),
	};
}

/** Read a boolean environment variable; anything but the usual words is an error naming it. */
export function envFlag(name: string, environment: NodeJS.ProcessEnv = process.env): boolean | undefined {
	const value = environment[name];
	if (value === undefined || value.trim() === '') {
		return undefined;
	}

	const normalized = value.trim().toLowerCase();
	if (['1', 'true', 'yes', 'on'].includes(normalized)) {
		return true;
	}

	if (['0', 'false', 'no', 'off'].includes(normalized)) {
		return false;
	}

	throw new HttpHooksError(`Environment variable ${name}=${quote(value)} is not a boolean; use true or false`);
}

export function resolveOptions(options: HttpHooksOptions = {}): ResolvedOptions {
	const logger = options.logger ?? {warn: (message: string) => console.warn(message)};
	return {
		serializers: options.serializers ?? {},
		serializerModules: checkSerializerModules(options.serializerModules),
		raiseExceptions: options.raiseExceptions ?? envFlag('HTTP_HOOKS_RAISE_EXCEPTIONS') ?? false,
		shutDown: options.shutDown ?? envFlag('HTTP_HOOKS_SHUT_DOWN') ?? false,
		migrate: options.migrate ?? true,
		reloadIntervalMs: checkInteger('reloadIntervalMs', options.reloadIntervalMs ?? 1000, ranges.reloadIntervalMs),
		sqliteBusyTimeoutMs: checkInteger('sqliteBusyTimeoutMs', options.sqliteBusyTimeoutMs ?? 5000, ranges.sqliteBusyTimeoutMs),
		delivery: resolveDeliverySettings(options.delivery),
		templateLimits: resolveTemplateLimits(options),
		tracing: options.tracing ?? true,
		warn(message, error, fields) {
			const details: LogDetails = {message, ...fields};
			if (error instanceof Error) {
				details.error = error.message;
			}

			logger.warn(`[sequelize-http-hooks] ${message}${details.error === undefined ? '' : `: ${details.error}`}`, details);
		},
	};
}
