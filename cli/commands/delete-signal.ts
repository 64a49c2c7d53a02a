import {exitCodes, UsageError, type Command} from '../command.js';
import {databaseFlag, openHttpHooks} from '../database.js';
import {safeText} from '../safe-text.js';

export const deleteSignalCommand: Command = {
	name: 'delete-signal',
	summary: 'Delete a custom signal (refused while a hook uses it)',
	usage: 'delete-signal NAME',
	help: [
		'Deletes the custom signal NAME. Refused while a hook uses it: the message names those hooks;',
		'change their signals (update-hook --signals) or delete them first. Built-in signals cannot',
		'be deleted. An app that still calls defineSignal(NAME) creates the row again at its start.',
		'',
		'Exit codes: 0 deleted, 1 no such signal, a built-in one, or one in use, 2 usage, 3 database',
		'unavailable.',
	].join('\n'),
	examples: ['hooks delete-signal orders.shipped'],
	flags: {...databaseFlag},
	takesArguments: true,
	async run(input, flags, io) {
		if (input.length !== 1) {
			throw new UsageError(input.length === 0 ? 'Give the name of the signal to delete: hooks delete-signal NAME' : `One signal at a time: got ${input.length} names`);
		}

		const name = input[0]!;
		const {httpHooks, sequelize} = await openHttpHooks(flags['databaseUrl'] as string | undefined);
		try {
			await httpHooks.deleteSignal(name);
			io.stdout.write(`Deleted signal ${safeText(JSON.stringify(name))}\n`);
			return exitCodes.ok;
		} finally {
			await sequelize.close();
		}
	},
};
