import {hookCommand, quotedName} from '../hook-command.js';

export const deleteHookCommand = hookCommand({
	name: 'delete-hook',
	usage: 'delete-hook --hook-id N',
	help: [
		'Deletes the hook. Its callbacks stay, without a hook (they keep the hook\'s name, URL and',
		'payload); delete-old-callbacks removes them by age, cancel before if they must not be sent.',
		'Running apps stop writing callbacks for it within seconds.',
		'',
		'Exit codes: 0 deleted, 1 no hook with that id, 2 usage, 3 database unavailable.',
	].join('\n'),
	examples: ['hooks delete-hook --hook-id 3'],
}, async (httpHooks, hook) => {
	await httpHooks.deleteHook(hook.id);
	return `Deleted hook ${hook.id} ${quotedName(hook)}`;
});
