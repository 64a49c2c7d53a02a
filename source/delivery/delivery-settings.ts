import {HttpHooksError, quote} from '../errors.js';
import {checkInteger, ranges} from '../numbers.js';
import {parseAllowedNetworks} from './network-guard.js';

const second = 1000;
const minute = 60 * second;
const hour = 60 * minute;

/** How callbacks are sent: the `delivery` group of the library options. */
export type DeliveryOptions = {
	/** How long one request may take, headers and body, in ms; default 15 000. */
	timeoutMs?: number;
	/** Attempts per callback, the first included; then the callback is `error`. Default 8. */
	maxAttempts?: number;
	/**
	 * Waits after the 1st, 2nd, … failed attempt, in ms; the last repeats when attempts remain.
	 * Default 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h.
	 */
	retryDelaysMs?: number[];
	/** Each wait is moved by up to this share either way, so retries do not come in waves; default 0.2. */
	jitter?: number;
	/** The longest wait a `Retry-After` header may ask for, in ms; default 24 h. */
	maxRetryAfterMs?: number;
	/**
	 * How long a claim holds, in ms; default 60 000. A live sender renews its leases; a sender
	 * that dies (SIGKILL, power loss) loses them when they run out, and another sender takes over.
	 */
	leaseMs?: number;
	/** Requests in flight at once per sender; default 10. */
	concurrency?: number;
	/** Callbacks claimed per query and results written per statement; default 200. */
	batchSize?: number;
	/** With `watch`, how often the queue is polled (on PostgreSQL, the backstop of LISTEN), in ms; default 1000. */
	pollIntervalMs?: number;
	/** The User-Agent header, unless a hook sets its own; default `sequelize-http-hooks`. */
	userAgent?: string;
	/** Disable a hook whose endpoint failed this many attempts in a row (410 Gone at once); default 100. */
	disableAfterFailures?: number;
	/** Refuse to connect to loopback, private, link-local, CGNAT and metadata addresses; default false. */
	blockPrivateNetworks?: boolean;
	/** With blockPrivateNetworks: subnets (CIDR) that stay reachable; default none. */
	allowedNetworks?: string[];
};

export type DeliverySettings = Required<DeliveryOptions>;

export const defaultDeliverySettings: DeliverySettings = {
	timeoutMs: 15 * second,
	maxAttempts: 8,
	retryDelaysMs: [5 * second, 5 * minute, 30 * minute, 2 * hour, 5 * hour, 10 * hour, 10 * hour],
	jitter: 0.2,
	maxRetryAfterMs: 24 * hour,
	leaseMs: minute,
	concurrency: 10,
	batchSize: 200,
	pollIntervalMs: second,
	userAgent: 'sequelize-http-hooks',
	disableAfterFailures: 100,
	blockPrivateNetworks: false,
	allowedNetworks: [],
};

function check(name: string, value: unknown, valid: boolean, expected: string): void {
	if (!valid) {
		throw new HttpHooksError(`delivery.${name} must be ${expected}, got ${quote(value)}`);
	}
}

/** Defaults under the given options, each value checked: a bad one is an error naming it. */
export function resolveDeliverySettings(options: DeliveryOptions = {}, base: DeliverySettings = defaultDeliverySettings): DeliverySettings {
	const settings: DeliverySettings = {...base};
	for (const [key, value] of Object.entries(options)) {
		if (value !== undefined) {
			(settings as Record<string, unknown>)[key] = value;
		}
	}

	const {timeoutMs, maxAttempts, retryDelaysMs, jitter, maxRetryAfterMs, leaseMs, concurrency, batchSize, pollIntervalMs, userAgent, disableAfterFailures, blockPrivateNetworks, allowedNetworks} = settings;
	const whole = (name: keyof typeof ranges & keyof DeliverySettings, value: unknown) => checkInteger(`delivery.${name}`, value, ranges[name]);
	whole('timeoutMs', timeoutMs);
	whole('maxAttempts', maxAttempts);
	check('retryDelaysMs', retryDelaysMs, Array.isArray(retryDelaysMs) && retryDelaysMs.length > 0, 'a non-empty list of whole numbers of milliseconds');
	for (const [index, delay] of retryDelaysMs.entries()) {
		checkInteger(`delivery.retryDelaysMs[${index}]`, delay, ranges.retryDelayMs);
	}

	check('jitter', jitter, typeof jitter === 'number' && jitter >= 0 && jitter < 1, 'a number from 0 up to (not including) 1');
	whole('maxRetryAfterMs', maxRetryAfterMs);
	whole('leaseMs', leaseMs);
	whole('concurrency', concurrency);
	whole('batchSize', batchSize);
	whole('pollIntervalMs', pollIntervalMs);
	check('userAgent', userAgent, typeof userAgent === 'string' && !/[\r\n\0]/.test(userAgent), 'a header value on one line');
	whole('disableAfterFailures', disableAfterFailures);
	check('blockPrivateNetworks', blockPrivateNetworks, typeof blockPrivateNetworks === 'boolean', 'true or false');
	check('allowedNetworks', allowedNetworks, Array.isArray(allowedNetworks) && allowedNetworks.every(network => typeof network === 'string'), 'a list of subnets such as "10.0.0.0/8"');
	parseAllowedNetworks(allowedNetworks);
	return {...settings, retryDelaysMs: [...retryDelaysMs], allowedNetworks: [...allowedNetworks]};
}
