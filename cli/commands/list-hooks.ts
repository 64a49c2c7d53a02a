import type {HookSummary} from '../../source/operations/hook-summaries.js';
import {maskHookFields} from '../../source/operations/mask-credentials.js';
import {exitCodes, type Command} from '../command.js';
import {databaseFlag, openHttpHooks} from '../database.js';
import {limitsText, scheduleText} from '../format-limits.js';
import {formatTable} from '../format-table.js';
import {safeJson} from '../safe-text.js';

/** `2026-11-27 20:15 UTC`: to the minute, the same for every reader. */
function utc(date: Date): string {
	return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

export const listHooksCommand: Command = {
	name: 'list-hooks',
	usage: 'list-hooks [--json] [--show-secrets]',
	help: [
		'Lists every hook: id, name, model, signals, method, target URL, whether it is enabled, and',
		'how many of its callbacks are waiting or in error. Secrets are never printed: SIGNED (JSON:',
		'"signed") says whether a hook has one. A hook the sender disabled (its endpoint failed too',
		'many times in a row, or answered 410 Gone) shows why and when under DISABLED BECAUSE',
		'(JSON: "disabledReason", "disabledAt"); enabling it again resumes its waiting callbacks.',
		'While a rotated secret\'s previous one still signs, SIGNED says until when (JSON:',
		'"previousSecretExpiresAt"). ORDERED appears once a hook delivers per record in order.',
		'LIMITS appears once a hook has a rate limit or an in-flight cap (e.g. "20/s · 5 in flight";',
		'JSON: "rateLimit", "maxInFlight"), RETRIES once one has its own retry schedule (e.g.',
		'"4 attempts · retries 5s, 1m"; JSON: "maxAttempts", "retryDelays" in ms); null: none, the',
		'sender\'s settings.',
		'CONDITION appears once a hook has one (JSON: "condition"): the expression a change must meet',
		'to write a callback at all.',
		'--json prints every field as a JSON array.',
		'Credentials are masked (••••) in the target URL\'s query (token=, api_key=, …) and in the',
		'values of credential-like headers (Authorization, Cookie, names with key, token, secret,',
		'auth, password, signature, session, credential); --show-secrets prints them as stored.',
	].join('\n'),
	examples: ['hooks list-hooks', 'hooks list-hooks --json | jq \'.[] | select(.error > 0) | .name\''],
	flags: {
		...databaseFlag,
		json: {type: 'boolean', default: false, description: 'Print the hooks as a JSON array'},
		showSecrets: {type: 'boolean', default: false, description: 'Print header credentials and URL tokens as stored (signing secrets never)'},
	},
	async run(_input, flags, io) {
		const {httpHooks, sequelize} = await openHttpHooks(flags['databaseUrl'] as string | undefined);
		try {
			const {hookSummaries} = await import('../../source/operations/hook-summaries.js');
			const reveal = Boolean(flags['showSecrets']);
			const hooks = (await hookSummaries(httpHooks.models, await httpHooks.listHooks())).map(hook => maskHookFields(hook, {reveal}));
			if (flags['json']) {
				io.stdout.write(`${safeJson(hooks, 2)}\n`);
			} else if (hooks.length === 0) {
				io.stdout.write('No hooks yet.\n');
			} else {
				// Shown once the sender has disabled a hook: why (failures in a row, 410 Gone) and when.
				const health = hooks.some(hook => hook.disabledReason);
				const ordering = hooks.some(hook => hook.ordered);
				const limits = hooks.some(hook => limitsText(hook) !== '');
				const schedules = hooks.some(hook => scheduleText(hook) !== '');
				const conditions = hooks.some(hook => hook.condition);
				const now = Date.now();
				const signed = (hook: HookSummary) => {
					const until = hook.previousSecretExpiresAt ? new Date(hook.previousSecretExpiresAt) : undefined;
					return !hook.signed ? 'no' : until && until.getTime() > now ? `yes, previous too until ${utc(until)}` : 'yes';
				};
				io.stdout.write(`${formatTable([
					{header: 'ID', align: 'right'},
					{header: 'NAME', maxWidth: 30},
					{header: 'MODEL', maxWidth: 24},
					{header: 'SIGNALS', maxWidth: 40},
					{header: 'METHOD'},
					{header: 'TARGET URL', maxWidth: 50},
					{header: 'ENABLED'},
					{header: 'SIGNED'},
					...(ordering ? [{header: 'ORDERED'}] : []),
					...(limits ? [{header: 'LIMITS', maxWidth: 30}] : []),
					...(schedules ? [{header: 'RETRIES', maxWidth: 40}] : []),
					...(conditions ? [{header: 'CONDITION', maxWidth: 40}] : []),
					{header: 'WAITING', align: 'right'},
					{header: 'ERROR', align: 'right'},
					...(health ? [{header: 'DISABLED BECAUSE', maxWidth: 60}] : []),
				], hooks.map(hook => [
					String(hook.id), hook.name, hook.model, hook.signals.join(', '), hook.httpMethod, hook.targetUrl,
					hook.enabled ? 'yes' : 'no', signed(hook), ...(ordering ? [hook.ordered ? 'per record' : 'no'] : []),
					...(limits ? [limitsText(hook) || 'none'] : []), ...(schedules ? [scheduleText(hook) || 'sender\'s'] : []),
					...(conditions ? [hook.condition ?? '(always)'] : []), String(hook.waiting), String(hook.error),
					...(health ? [hook.disabledReason ? `${hook.disabledReason} (${utc(new Date(hook.disabledAt!))})` : ''] : []),
				]))}\n`);
			}

			return exitCodes.ok;
		} finally {
			await sequelize.close();
		}
	},
};
