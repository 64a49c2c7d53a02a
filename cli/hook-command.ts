import type {HookRecord} from '../source/hooks/hook-store.js';
import type {HttpHooks} from '../source/index.js';
import {exitCodes, type Command} from './command.js';
import {databaseFlag, openHttpHooks} from './database.js';
import {hookIdFlag, hookIdFlagSpec} from './hook-flags.js';
import {safeText} from './safe-text.js';

/** What a command does to the hook it found; resolves to the line it prints (without newline). */
export type HookAction = (httpHooks: HttpHooks, hook: HookRecord) => Promise<string>;

/** A hook's name as a line shows it: quoted, control characters escaped. */
export function quotedName(hook: HookRecord): string {
	return safeText(JSON.stringify(hook.name));
}

/**
 * A command that acts on one hook, `--hook-id N`: find the hook (none with that id is the
 * library's error, exit 1), act on it, print what was done.
 */
export function hookCommand(command: Omit<Command, 'flags' | 'run'>, act: HookAction): Command {
	return {
		...command,
		flags: {...databaseFlag, ...hookIdFlagSpec},
		async run(_input, flags, io) {
			const id = hookIdFlag(flags);
			const {httpHooks, sequelize} = await openHttpHooks(flags['databaseUrl'] as string | undefined);
			try {
				const hook = await httpHooks.getHook(id);
				io.stdout.write(`${await act(httpHooks, hook)}\n`);
				return exitCodes.ok;
			} finally {
				await sequelize.close();
			}
		},
	};
}
