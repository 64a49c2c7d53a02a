import type {Sequelize} from 'sequelize';
import {HttpHooksError, quote} from '../../errors.js';
import type {Replacements, SqlDialect} from './dialect.js';
import {createMysqlDialect} from './mysql.js';
import {postgresDialect} from './postgres.js';
import {sqliteDialect} from './sqlite.js';

export type {SqlDialect} from './dialect.js';

/** Sequelize's dialects the library runs on. */
export const supportedDialects = ['sqlite', 'postgres', 'mysql', 'mariadb'] as const;

const made = new WeakMap<Sequelize, SqlDialect>();

/** The dialect module of a Sequelize instance; another dialect is an error naming it. */
export function dialectOf(sequelize: Sequelize): SqlDialect {
	let dialect = made.get(sequelize);
	if (!dialect) {
		const name = sequelize.getDialect();
		switch (name) {
			case 'sqlite': {
				dialect = sqliteDialect;
				break;
			}

			case 'postgres': {
				dialect = postgresDialect;
				break;
			}

			case 'mysql':
			case 'mariadb': {
				dialect = createMysqlDialect(sequelize);
				break;
			}

			default: {
				throw new HttpHooksError(`Sequelize dialect ${quote(name)} is not supported: use one of ${supportedDialects.join(', ')}`);
			}
		}

		made.set(sequelize, dialect);
	}

	return dialect;
}

/**
 * Replacements with every Date written as the dialect's date columns hold it: Sequelize would
 * inline a Date without its milliseconds on MySQL, so a lease or a due time would move.
 */
export function withTimes<T extends Replacements>(sequelize: Sequelize, replacements: T): T {
	const {time} = dialectOf(sequelize);
	return Object.fromEntries(Object.entries(replacements).map(([key, value]) => [key, value instanceof Date ? time(value) : value])) as T;
}
