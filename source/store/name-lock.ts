import type {Sequelize, Transaction} from 'sequelize';

// Keys the library's advisory locks apart from the app's (any 32-bit number the app is unlikely to use).
const lockSpace = 0x48_6f_6f_6b; // "Hook"

/**
 * Hold a lock on `name` until `transaction` ends, so that two processes writing the same name
 * (two apps starting, each ensuring its hooks) take turns. The dialect difference lives here:
 * PostgreSQL takes an advisory transaction lock on the name's hash (a hash collision only makes
 * two names wait for each other); SQLite needs nothing, since the library's writes begin
 * IMMEDIATE and hold the file's write lock. A dialect added later adds its branch here.
 */
export async function lockName(sequelize: Sequelize, name: string, transaction: Transaction): Promise<void> {
	switch (sequelize.getDialect()) {
		case 'postgres':
			await sequelize.query('SELECT pg_advisory_xact_lock(:space, hashtext(:name))', {replacements: {space: lockSpace, name}, transaction});
			return;
		case 'sqlite':
			return;
		default:
			throw new Error(`lockName: no lock for dialect ${sequelize.getDialect()}`);
	}
}
