import {documentHook} from '../../source/hooks/hook-document.js';
import {secretChange} from '../../source/hooks/hook-store.js';
import {exitCodes, UsageError, type Command} from '../command.js';
import {databaseFlag, openHttpHooks} from '../database.js';
import {asUsageAsync, hookFieldFlags, hookIdFlag, hookIdFlagSpec, hookInputFromFlags} from '../hook-flags.js';
import {safeJson, safeText} from '../safe-text.js';

export const updateHookCommand: Command = {
	name: 'update-hook',
	summary: 'Change fields of a hook: only the flags given are changed',
	usage: 'update-hook --hook-id N [--field VALUE…] [--json]',
	help: [
		'Changes the fields given as flags; the hook as a whole is validated again, as on creation.',
		'"" clears a text field (--condition "" fires on every change), none clears a limit',
		'(--rate-limit none). A new --secret rotates: the current secret keeps signing beside it for',
		'24 h, so receivers can switch over (give --previous-secret "" to drop it at once).',
		'',
		'Exit codes: 0 updated, 1 no hook with that id, 2 usage (no field given, a value the hook',
		'validation refuses: the message names it), 3 database unavailable.',
	].join('\n'),
	examples: [
		'hooks update-hook --hook-id 3 --target-url https://example.com/v2/hooks',
		'hooks update-hook --hook-id 3 --rate-limit none --max-attempts 4 --retry-delays 5000,60000,600000',
		'hooks update-hook --hook-id 3 --secret whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
	],
	flags: {
		...databaseFlag,
		...hookIdFlagSpec,
		...hookFieldFlags({create: false}),
		json: {type: 'boolean', default: false, description: 'Print the updated hook as JSON'},
	},
	async run(_input, flags, io) {
		const id = hookIdFlag(flags);
		const changes = hookInputFromFlags(flags);
		if (Object.keys(changes).length === 0) {
			throw new UsageError('Nothing to change: give at least one field flag, such as --target-url URL');
		}

		const {httpHooks, sequelize} = await openHttpHooks(flags['databaseUrl'] as string | undefined);
		try {
			const current = await httpHooks.getHook(id);
			const rotation = changes.secret !== undefined && changes.previousSecret === undefined && changes.previousSecretExpiresAt === undefined
				? await asUsageAsync(async () => secretChange(current, changes.secret ?? null))
				: {};
			const hook = await asUsageAsync(async () => httpHooks.updateHook(id, {...changes, ...rotation}));
			io.stdout.write(flags['json']
				? `${safeJson({id: hook.id, ...documentHook(hook)}, 2)}\n`
				: `Updated hook ${hook.id} ${safeText(JSON.stringify(hook.name))}: ${Object.keys(changes).join(', ')}\n`);
			return exitCodes.ok;
		} finally {
			await sequelize.close();
		}
	},
};
