import {exitCodes, type Command} from '../command.js';
import {databaseFlag, openHttpHooks} from '../database.js';
import {hookIdFlag, hookIdFlagSpec} from '../hook-flags.js';
import {safeText} from '../safe-text.js';

export const deleteHookCommand: Command = {
	name: 'delete-hook',
	summary: 'Delete a hook (its callbacks stay, without a hook)',
	usage: 'delete-hook --hook-id N',
	help: [
		'Deletes the hook. Its callbacks stay, without a hook (they keep the hook\'s name, URL and',
		'payload); delete-old-callbacks removes them by age, cancel before if they must not be sent.',
		'Running apps stop writing callbacks for it within seconds.',
		'',
		'Exit codes: 0 deleted, 1 no hook with that id, 2 usage, 3 database unavailable.',
	].join('\n'),
	examples: ['hooks delete-hook --hook-id 3'],
	flags: {...databaseFlag, ...hookIdFlagSpec},
	async run(_input, flags, io) {
		const id = hookIdFlag(flags);
		const {httpHooks, sequelize} = await openHttpHooks(flags['databaseUrl'] as string | undefined);
		try {
			const hook = await httpHooks.getHook(id);
			await httpHooks.deleteHook(id);
			io.stdout.write(`Deleted hook ${id} ${safeText(JSON.stringify(hook.name))}\n`);
			return exitCodes.ok;
		} finally {
			await sequelize.close();
		}
	},
};
