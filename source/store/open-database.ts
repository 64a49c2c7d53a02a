import path from 'node:path';
import {Sequelize, type Dialect, type Options} from 'sequelize';
import {HttpHooksError, quote} from '../errors.js';
import {redactDatabaseUrl} from '../operations/mask-credentials.js';

export const defaultDatabaseFile = './http-hooks.sqlite';

/**
 * The database to use: `--database-url`, else DATABASE_URL, else the SQLite file
 * ./http-hooks.sqlite. A URL is `postgres://…`, `mysql://…`, `mariadb://…`, `sqlite:path/to/file`
 * or a plain file path.
 */
export function databaseUrlFrom(flag: string | undefined, environment: NodeJS.ProcessEnv = process.env): string {
	return flag?.trim() || environment['DATABASE_URL']?.trim() || defaultDatabaseFile;
}

// URLs of database servers, and the Sequelize dialect (and so the driver) each opens with.
const serverDialects: Array<{pattern: RegExp; dialect: Dialect}> = [
	{pattern: /^postgres(ql)?:\/\//i, dialect: 'postgres'},
	{pattern: /^mysql:\/\//i, dialect: 'mysql'},
	{pattern: /^mariadb:\/\//i, dialect: 'mariadb'},
];

/** Open a Sequelize instance for a database URL (no logging; the programs print their own). */
export function openDatabase(url: string, options: Options = {}): Sequelize {
	const common: Options = {logging: false, ...options};
	const server = serverDialects.find(({pattern}) => pattern.test(url));
	if (server) {
		try {
			// Checked first: Node's legacy parser would print a bad URL, password and all, in a warning.
			new URL(url); // eslint-disable-line no-new
			return new Sequelize(url, {dialect: server.dialect, ...common});
		} catch (error) {
			throw new HttpHooksError(`Database URL ${quote(redact(url))} is not valid: ${(error as Error).message}`, {cause: error});
		}
	}

	if (/^[a-z][a-z\d+.-]*:\/\//i.test(url) && !/^sqlite:/i.test(url)) {
		throw new HttpHooksError(`Database URL ${quote(redact(url))} is not supported: use postgres://…, mysql://…, mariadb://…, sqlite:FILE or a file path`);
	}

	return new Sequelize({dialect: 'sqlite', storage: sqliteFile(url), ...common});
}

/** The absolute path of the file a SQLite URL (`sqlite:FILE` or a plain path) names; undefined for a server's URL. */
export function sqliteFile(url: string): string | undefined {
	if (/^[a-z][a-z\d+.-]*:\/\//i.test(url) && !/^sqlite:/i.test(url)) {
		return undefined;
	}

	const storage = url.replace(/^sqlite:(\/\/)?/i, '');
	if (storage === '' || storage === ':memory:') {
		throw new HttpHooksError(`Database URL ${quote(url)} names no file: the programs need a database file shared with the app`);
	}

	return path.resolve(storage);
}

/** A URL fit for messages: the password replaced, in every form (see `redactDatabaseUrl`). */
export function redact(url: string): string {
	return redactDatabaseUrl(url);
}
