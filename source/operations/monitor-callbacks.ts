import {Op} from 'sequelize';
import {HttpHooksError, quote} from '../errors.js';
import type {HttpHooksModels} from '../store/models.js';
import {checkInteger, ranges} from '../numbers.js';
import {sqlDate} from '../store/db-date.js';

/** The statuses worth watching: callbacks piling up in the queue, failing for good, or cancelled by hand. */
export const monitoredStatuses = ['error', 'waiting', 'cancelled'] as const;

export type MonitoredStatus = typeof monitoredStatuses[number];

/** `error, waiting or cancelled`, for messages. */
export const monitoredList = `${monitoredStatuses.slice(0, -1).join(', ')} or ${monitoredStatuses.at(-1)!}`;

export type MonitorOptions = {
	status: MonitoredStatus;
	/** More callbacks than this is a warning; default 10. */
	callbacksLimit?: number;
	/** Count only callbacks updated in the last N minutes; default (or null): the whole table. */
	minutesAgo?: number | null;
	/** More callbacks than this is critical; default (or null): no critical level. */
	critical?: number | null;
};

export type MonitorLevel = 'ok' | 'warning' | 'critical';

export type MonitorResult = {
	status: MonitoredStatus;
	count: number;
	limit: number;
	critical: number | null;
	minutesAgo: number | null;
	level: MonitorLevel;
};

/** Check and complete monitor options; a bad one is an HttpHooksError naming the value. */
export function checkMonitorOptions(options: MonitorOptions): {status: MonitoredStatus; callbacksLimit: number; minutesAgo: number | null; critical: number | null} {
	const {status} = options ?? {};
	if (status === undefined) {
		throw new HttpHooksError(`A status to monitor is required: ${monitoredList}`);
	}

	if (!(monitoredStatuses as readonly unknown[]).includes(status)) {
		throw new HttpHooksError(`Status ${quote(status)} cannot be monitored: use ${monitoredList}`);
	}

	const callbacksLimit = checkInteger('callbacksLimit', options.callbacksLimit ?? 10, ranges.monitorCount);
	const minutesAgo = options.minutesAgo === undefined || options.minutesAgo === null ? null : checkInteger('minutesAgo', options.minutesAgo, ranges.minutesAgo);
	const critical = options.critical === undefined || options.critical === null ? null : checkInteger('critical', options.critical, ranges.monitorCount);
	if (critical !== null && critical < callbacksLimit) {
		throw new HttpHooksError(`Critical limit ${quote(critical)} is below the callbacks limit ${quote(callbacksLimit)}: it must be at least as high`);
	}

	return {status, callbacksLimit, minutesAgo, critical};
}

/**
 * Count the callbacks with a status (in the last `minutesAgo` minutes by update time, else in
 * the whole table) and rate the count against the limits. Both counts are answered from the
 * (status, updated_at) index.
 */
export async function monitorCallbacks(models: HttpHooksModels, options: MonitorOptions, now = new Date()): Promise<MonitorResult> {
	const {status, callbacksLimit, minutesAgo, critical} = checkMonitorOptions(options);
	const where = minutesAgo === null
		? {status}
		: {status, updatedAt: {[Op.gte]: sqlDate(new Date(now.getTime() - (minutesAgo * 60_000)), 'The start of the monitor window')}};
	const count = await models.Callback.count({where});
	const level: MonitorLevel = critical !== null && count > critical ? 'critical' : (count > callbacksLimit ? 'warning' : 'ok');
	return {status, count, limit: callbacksLimit, critical, minutesAgo, level};
}
