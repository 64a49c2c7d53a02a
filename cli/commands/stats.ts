import {ranges} from '../../source/numbers.js';
import {exitCodes, UsageError, type Command} from '../command.js';
import {checkHookFlag, databaseFlag, openHttpHooks} from '../database.js';
import {optionalIntegerFlag, rangeText} from '../flag-values.js';
import {duration, latency, percent} from '../format-stats.js';
import {formatTable} from '../format-table.js';
import {safeJson} from '../safe-text.js';

export const statsCommand: Command = {
	name: 'stats',
	usage: 'stats [--hook-id N] [--window-minutes 60] [--json | --prometheus]',
	help: [
		'For every hook: its callbacks by status; LAG, the age of the oldest callback that is due',
		'and still waiting (how far behind delivery is); and over the last hour (--window-minutes)',
		'the number of attempts, the share answered 2xx, and the p50 / p95 attempt latency.',
		'',
		'--prometheus prints the same figures once in the Prometheus text format (the metric names',
		'of `send-callbacks --metrics-port`), for a node-exporter textfile collector or cron.',
	].join('\n'),
	examples: ['hooks stats', 'hooks stats --window-minutes 15 --json', 'hooks stats --hook-id 3', 'hooks stats --prometheus > /var/lib/node_exporter/textfile/http_hooks.prom'],
	flags: {
		...databaseFlag,
		hookId: {type: 'string', placeholder: 'N', description: 'Only this hook (it must exist)'},
		windowMinutes: {type: 'string', placeholder: 'MINUTES', description: `Minutes of attempts to rate, ${rangeText(ranges.windowMinutes)} (default 60)`},
		json: {type: 'boolean', default: false, description: 'Print the figures as JSON'},
		prometheus: {type: 'boolean', default: false, description: 'Print the figures in the Prometheus text format'},
	},
	async run(_input, flags, io) {
		if (flags['json'] && flags['prometheus']) {
			throw new UsageError('Give either --json or --prometheus, not both');
		}

		const windowMinutes = optionalIntegerFlag('--window-minutes', flags['windowMinutes'], ranges.windowMinutes) ?? 60;
		const hookId = optionalIntegerFlag('--hook-id', flags['hookId'], ranges.id);
		const {httpHooks, sequelize} = await openHttpHooks(flags['databaseUrl'] as string | undefined);
		try {
			await checkHookFlag(httpHooks, hookId);
			const {callbackStats} = await import('../../source/operations/stats.js');
			const stats = await callbackStats(httpHooks.models, {windowMinutes, hookId});
			if (flags['prometheus']) {
				const hooks = await httpHooks.models.Hook.findAll({attributes: ['id', 'name', 'enabled'], where: hookId === undefined ? {} : {id: hookId}, order: [['id', 'ASC']]});
				const {statsAsPrometheus} = await import('../../source/observability/stats-metrics.js');
				io.stdout.write(await statsAsPrometheus(stats, hooks.map(hook => ({id: hook.id, name: hook.name, enabled: hook.enabled})), windowMinutes));
				return exitCodes.ok;
			}

			if (flags['json']) {
				io.stdout.write(`${safeJson({windowMinutes, hooks: stats}, 2)}\n`);
				return exitCodes.ok;
			}

			if (stats.length === 0) {
				io.stdout.write('No hooks and no callbacks yet.\n');
				return exitCodes.ok;
			}

			io.stdout.write(`${formatTable([
				{header: 'ID', align: 'right'},
				{header: 'HOOK', maxWidth: 30},
				{header: 'WAITING', align: 'right'},
				{header: 'SENDING', align: 'right'},
				{header: 'SENT', align: 'right'},
				{header: 'ERROR', align: 'right'},
				{header: 'CANCELLED', align: 'right'},
				{header: 'LAG', align: 'right'},
				{header: `ATTEMPTS/${windowMinutes}M`, align: 'right'},
				{header: 'SUCCESS', align: 'right'},
				{header: 'P50', align: 'right'},
				{header: 'P95', align: 'right'},
			], stats.map(hook => [
				hook.hookId === null ? '-' : String(hook.hookId), hook.hookName,
				String(hook.counts.waiting), String(hook.counts.sending), String(hook.counts.sent), String(hook.counts.error), String(hook.counts.cancelled),
				duration(hook.lagSeconds), String(hook.attempts),
				percent(hook.successRate), latency(hook.p50Ms), latency(hook.p95Ms),
			]))}\n`);
			return exitCodes.ok;
		} finally {
			await sequelize.close();
		}
	},
};
