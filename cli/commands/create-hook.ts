import {documentHook} from '../../source/hooks/hook-document.js';
import type {HookInput} from '../../source/hooks/validate-hook.js';
import {exitCodes, type Command} from '../command.js';
import {databaseFlag, openHttpHooks} from '../database.js';
import {asUsageAsync, hookFieldFlags, hookInputFromFlags} from '../hook-flags.js';
import {safeJson, safeText} from '../safe-text.js';

export const createHookCommand: Command = {
	name: 'create-hook',
	summary: 'Create a hook from flags (every field of a hook has one)',
	usage: 'create-hook --name TEXT --model NAME --signals S… --target-url URL [--field VALUE…] [--json]',
	help: [
		'Creates a hook, validated exactly as the API\'s createHook (the model must be one an app',
		'registered; templates are compiled and tried on a sample record). Every field of a hook is',
		'a flag; "" clears a text field, none clears a limit. --json prints the hook as import-hooks',
		'reads it (without secrets).',
		'To create a hook only when none of that name exists, keep the hooks in a file and use',
		'import-hooks, which matches by name.',
		'',
		'Exit codes: 0 created, 2 usage (a missing field, a value the hook validation refuses: the',
		'message names it), 3 database unavailable.',
	].join('\n'),
	examples: [
		'hooks create-hook --name "new orders" --model Order --signals afterCreate --target-url https://example.com/hooks',
		'hooks create-hook --name audit --model User --signals afterCreate,afterUpdate --target-url https://example.com/a --rate-limit 5 --retry-delays 5000,60000 --condition "instance.active"',
	],
	flags: {
		...databaseFlag,
		...hookFieldFlags({create: true}),
		json: {type: 'boolean', default: false, description: 'Print the created hook as JSON'},
	},
	async run(_input, flags, io) {
		const input = hookInputFromFlags(flags);
		const {httpHooks, sequelize} = await openHttpHooks(flags['databaseUrl'] as string | undefined);
		try {
			const hook = await asUsageAsync(async () => httpHooks.createHook(input as HookInput));
			io.stdout.write(flags['json']
				? `${safeJson({id: hook.id, ...documentHook(hook)}, 2)}\n`
				: `Created hook ${hook.id} ${safeText(JSON.stringify(hook.name))} (${safeText(hook.model)}: ${safeText(hook.signals.join(', '))} → ${hook.httpMethod} ${safeText(hook.targetUrl)})\n`);
			return exitCodes.ok;
		} finally {
			await sequelize.close();
		}
	},
};
