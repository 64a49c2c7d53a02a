import {HttpHooksError, quote} from './errors.js';
import type {SerializerClass} from './payload/serializer.js';
import {checkInteger, ranges} from './numbers.js';
import {resolveDeliverySettings, type DeliveryOptions, type DeliverySettings} from './delivery/delivery-settings.js';

export type Logger = {warn(message: string): void};

export type HttpHooksOptions = {
	/** Serializers a hook may name in serializerClass. */
	serializers?: Record<string, SerializerClass>;
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
	/** Where warnings go; default console.warn. */
	logger?: Logger;
	/** How callbacks are sent: timeout, attempts, retry schedule, lease, concurrency… (see DeliveryOptions). */
	delivery?: DeliveryOptions;
};

export type ResolvedOptions = Required<Omit<HttpHooksOptions, 'logger' | 'delivery'>> & {delivery: DeliverySettings; warn(message: string, error?: unknown): void};

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
		raiseExceptions: options.raiseExceptions ?? envFlag('HTTP_HOOKS_RAISE_EXCEPTIONS') ?? false,
		shutDown: options.shutDown ?? envFlag('HTTP_HOOKS_SHUT_DOWN') ?? false,
		migrate: options.migrate ?? true,
		reloadIntervalMs: checkInteger('reloadIntervalMs', options.reloadIntervalMs ?? 1000, ranges.reloadIntervalMs),
		sqliteBusyTimeoutMs: checkInteger('sqliteBusyTimeoutMs', options.sqliteBusyTimeoutMs ?? 5000, ranges.sqliteBusyTimeoutMs),
		delivery: resolveDeliverySettings(options.delivery),
		warn(message, error) {
			const reason = error instanceof Error ? `: ${error.message}` : '';
			logger.warn(`[sequelize-http-hooks] ${message}${reason}`);
		},
	};
}
