import {exitCodes, type Command} from '../command.js';
import {databaseFlag, openConnection} from '../database.js';

export const migrateCommand: Command = {
	name: 'migrate',
	usage: 'migrate [--json]',
	help: 'Applies the pending migrations of the library\'s own tables. Running it again does nothing.',
	examples: ['hooks migrate', 'hooks migrate --database-url postgres://user@host/app'],
	flags: {
		...databaseFlag,
		json: {type: 'boolean', default: false, description: 'Print the result as JSON'},
	},
	async run(_input, flags, io) {
		const {sequelize} = await openConnection(flags['databaseUrl'] as string | undefined);
		try {
			const {migrate} = await import('../../source/store/migrate.js');
			const applied = await migrate(sequelize);
			if (flags['json']) {
				io.stdout.write(`${JSON.stringify({applied})}\n`);
			} else {
				io.stdout.write(applied.length > 0 ? `Applied ${applied.length} migration(s): ${applied.join(', ')}\n` : 'Nothing to migrate: the tables are up to date\n');
			}

			return exitCodes.ok;
		} finally {
			await sequelize.close();
		}
	},
};
