import {exitCodes, type Command} from '../command.js';
import {databaseFlag, openHttpHooks} from '../database.js';
import {hookIdFlag, hookIdFlagSpec} from '../hook-flags.js';
import {safeText} from '../safe-text.js';

function switchCommand(enabled: boolean): Command {
	const verb = enabled ? 'enable' : 'disable';
	return {
		name: verb,
		summary: enabled ? 'Enable a hook (one the sender disabled resumes its waiting callbacks)' : 'Disable a hook: changes write no callbacks, waiting ones are held',
		usage: `${verb} --hook-id N`,
		help: [
			enabled
				? 'Enables the hook: changes write callbacks again, and its waiting callbacks are sent. A hook the\nsender disabled (its endpoint kept failing, or answered 410 Gone) gets its full allowance again.'
				: 'Disables the hook: changes write no callbacks for it, and its waiting callbacks stay waiting\nuntil it is enabled again.',
			'Running apps follow within seconds. Doing it twice is harmless.',
			'',
			'Exit codes: 0 done, 1 no hook with that id, 2 usage, 3 database unavailable.',
		].join('\n'),
		examples: [`hooks ${verb} --hook-id 3`],
		flags: {...databaseFlag, ...hookIdFlagSpec},
		async run(_input, flags, io) {
			const id = hookIdFlag(flags);
			const {httpHooks, sequelize} = await openHttpHooks(flags['databaseUrl'] as string | undefined);
			try {
				const before = await httpHooks.getHook(id);
				const hook = await httpHooks.setHookEnabled(id, enabled);
				const name = safeText(JSON.stringify(hook.name));
				io.stdout.write(before.enabled === enabled ? `Hook ${id} ${name} was ${verb}d already\n` : `Hook ${id} ${name} ${verb}d\n`);
				return exitCodes.ok;
			} finally {
				await sequelize.close();
			}
		},
	};
}

export const enableCommand = switchCommand(true);
export const disableCommand = switchCommand(false);
