import {HttpHooksError} from '../../source/errors.js';
import {parseInteger, ranges, type IntegerRange} from '../../source/numbers.js';
import type {MonitorOptions, MonitorResult} from '../../source/operations/monitor-callbacks.js';
import type {Command} from '../command.js';
import {databaseFlag, DatabaseUnavailableError, openHttpHooks} from '../database.js';
import {rangeText} from '../flag-values.js';
import {safeJson, safeText} from '../safe-text.js';

// Monitoring-plugin exit codes (Nagios, Icinga, Zabbix, Sensu): the monitor speaks their language.
const pluginExit = {ok: 0, warning: 1, critical: 2, unknown: 3} as const;

/** `CALLBACKS WARNING - 12 error callbacks in the last 10 min (limit 10) | error=12;10;50;0` */
export function monitorLine(result: MonitorResult): string {
	const {status, count, limit, critical, minutesAgo, level} = result;
	const noun = count === 1 ? 'callback' : 'callbacks';
	const window = minutesAgo === null ? 'in total' : `in the last ${minutesAgo} min`;
	const threshold = level === 'critical' ? `critical ${critical}` : `limit ${limit}`;
	return `CALLBACKS ${level.toUpperCase()} - ${count} ${status} ${noun} ${window} (${threshold}) | ${status}=${count};${limit};${critical ?? ''};0`;
}

async function optionsFrom(flags: Record<string, unknown>): Promise<MonitorOptions> {
	const {checkMonitorOptions, monitoredList} = await import('../../source/operations/monitor-callbacks.js');
	const number = (name: string, flag: string, range: IntegerRange) => flags[flag] === undefined ? undefined : parseInteger(name, flags[flag], range);
	if (flags['status'] === undefined) {
		throw new HttpHooksError(`--status is required: ${monitoredList}`);
	}

	const options: MonitorOptions = {
		status: flags['status'] as MonitorOptions['status'],
		callbacksLimit: number('--callbacks-limit', 'callbacksLimit', ranges.monitorCount),
		minutesAgo: number('--minutes-ago', 'minutesAgo', ranges.minutesAgo),
		critical: number('--critical', 'critical', ranges.monitorCount),
	};
	// Checked before connecting: a bad value is reported as such, whatever the database.
	checkMonitorOptions(options);
	return options;
}

export const monitorCallbacksCommand: Command = {
	name: 'monitor-callbacks',
	usage: 'monitor-callbacks --status error|waiting|cancelled [--callbacks-limit 10] [--minutes-ago N] [--critical N] [--json]',
	help: [
		'Counts the callbacks with a status: those updated in the last N minutes with --minutes-ago,',
		'else the whole table. Prints one monitoring-plugin line, e.g.',
		'  CALLBACKS WARNING - 12 error callbacks in the last 10 min (limit 10) | error=12;10;50;0',
		'',
		'Exit codes (the monitoring-plugin convention, unlike the other commands):',
		'  0 OK        the count is at most --callbacks-limit',
		'  1 WARNING   the count is more than --callbacks-limit',
		'  2 CRITICAL  the count is more than --critical',
		'  3 UNKNOWN   cannot check: bad status or value, database unreachable or not migrated',
	].join('\n'),
	examples: [
		'hooks monitor-callbacks --status error --callbacks-limit 10 --minutes-ago 10',
		'hooks monitor-callbacks --status waiting --callbacks-limit 1000 --critical 10000',
		'hooks monitor-callbacks --status error --json',
	],
	flags: {
		...databaseFlag,
		status: {type: 'string', placeholder: 'STATUS', description: 'The status to count: error, waiting or cancelled (required)'},
		callbacksLimit: {type: 'string', placeholder: 'N', description: `More callbacks than this is a WARNING, ${rangeText(ranges.monitorCount)} (default 10)`},
		minutesAgo: {type: 'string', placeholder: 'N', description: `Count only callbacks updated in the last N minutes, ${rangeText(ranges.minutesAgo)}`},
		critical: {type: 'string', placeholder: 'N', description: `More callbacks than this is CRITICAL, ${rangeText(ranges.monitorCount)} (default: none)`},
		json: {type: 'boolean', default: false, description: 'Print the result as JSON'},
	},
	async run(_input, flags, io) {
		const json = Boolean(flags['json']);
		let result: MonitorResult;
		try {
			const options = await optionsFrom(flags);
			const {httpHooks, sequelize} = await openHttpHooks(flags['databaseUrl'] as string | undefined);
			try {
				result = await httpHooks.monitorCallbacks(options);
			} finally {
				await sequelize.close();
			}
		} catch (error) {
			// Whatever stops the check is UNKNOWN, in one line where the monitor looks: stdout.
			const known = error instanceof HttpHooksError || error instanceof DatabaseUnavailableError;
			const message = (known ? (error as Error).message : `${(error as Error).name}: ${(error as Error).message}`).replaceAll(/\s+/g, ' ');
			io.stdout.write(json ? `${safeJson({level: 'unknown', message})}\n` : `CALLBACKS UNKNOWN - ${safeText(message)}\n`);
			return pluginExit.unknown;
		}

		io.stdout.write(json ? `${safeJson(result)}\n` : `${safeText(monitorLine(result))}\n`);
		return pluginExit[result.level];
	},
};
