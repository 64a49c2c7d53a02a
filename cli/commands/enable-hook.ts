import type {Command} from '../command.js';
import {hookCommand, quotedName} from '../hook-command.js';

/** `hooks enable` and `hooks disable`: one command each, the same but for the verb. */
function switchCommand(enabled: boolean): Command {
	const verb = enabled ? 'enable' : 'disable';
	return hookCommand({
		name: verb,
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
	}, async (httpHooks, before) => {
		const hook = await httpHooks.setHookEnabled(before.id, enabled);
		return before.enabled === enabled ? `Hook ${hook.id} ${quotedName(hook)} was ${verb}d already` : `Hook ${hook.id} ${quotedName(hook)} ${verb}d`;
	});
}

export const enableCommand = switchCommand(true);
export const disableCommand = switchCommand(false);
