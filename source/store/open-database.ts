import {Sequelize, type Options} from 'sequelize';
import {HttpHooksError, quote} from '../errors.js';
import {isUnsupportedUrl, redact, serverDialectOf, sqliteFile} from './database-url.js';

export {databaseUrlFrom, defaultDatabaseFile, redact, sqliteFile} from './database-url.js';

/**
 * Driver options the library sets unless the app's options or the URL's query set them. The
 * mariadb driver gives up on a connection after 1 s, which a busy server on a busy machine can
 * exceed; mysql2 and pg wait 10 s or more, and so does this.
 */
const serverDefaults: Record<string, Record<string, unknown>> = {
	mariadb: {connectTimeout: 10_000},
};

/** Open a Sequelize instance for a database URL (no logging; the programs print their own). */
export function openDatabase(url: string, options: Options = {}): Sequelize {
	const common: Options = {logging: false, ...options};
	const dialect = serverDialectOf(url);
	if (dialect) {
		try {
			// Checked first: Node's legacy parser would print a bad URL, password and all, in a warning.
			new URL(url);
			return new Sequelize(url, {dialect, ...common, dialectOptions: {...serverDefaults[dialect], ...common.dialectOptions}});
		} catch (error) {
			throw new HttpHooksError(`Database URL ${quote(redact(url))} is not valid: ${(error as Error).message}`, {cause: error});
		}
	}

	if (isUnsupportedUrl(url)) {
		throw new HttpHooksError(`Database URL ${quote(redact(url))} is not supported: use postgres://…, mysql://…, mariadb://…, sqlite:FILE or a file path`);
	}

	return new Sequelize({dialect: 'sqlite', storage: sqliteFile(url), ...common});
}
