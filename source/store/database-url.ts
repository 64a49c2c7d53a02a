import path from 'node:path';
import {HttpHooksError, quote} from '../errors.js';
import {redactDatabaseUrl} from '../operations/mask-credentials.js';

// Apart from open-database.ts: the programs read URLs (for --help, for messages) without loading Sequelize.

export const defaultDatabaseFile = './http-hooks.sqlite';

/**
 * The database to use: `--database-url`, else DATABASE_URL, else the SQLite file
 * ./http-hooks.sqlite. A URL is `postgres://…`, `mysql://…`, `mariadb://…`, `sqlite:path/to/file`
 * or a plain file path.
 */
export function databaseUrlFrom(flag: string | undefined, environment: NodeJS.ProcessEnv = process.env): string {
	return flag?.trim() || environment['DATABASE_URL']?.trim() || defaultDatabaseFile;
}

/** The Sequelize dialects of database servers (each opens with its driver), by URL scheme. */
export type ServerDialect = 'postgres' | 'mysql' | 'mariadb';
const serverDialects: Array<{pattern: RegExp; dialect: ServerDialect}> = [
	{pattern: /^postgres(ql)?:\/\//i, dialect: 'postgres'},
	{pattern: /^mysql:\/\//i, dialect: 'mysql'},
	{pattern: /^mariadb:\/\//i, dialect: 'mariadb'},
];

/** The dialect of a server's URL (`postgres://`, `postgresql://`, `mysql://`, `mariadb://`); undefined for SQLite. */
export function serverDialectOf(url: string): ServerDialect | undefined {
	return serverDialects.find(({pattern}) => pattern.test(url))?.dialect;
}

/** True for a `postgres://` or `postgresql://` URL. */
export function isPostgresUrl(url: string): boolean {
	return serverDialectOf(url) === 'postgres';
}

/** True for a URL with a scheme that no dialect here takes. */
export function isUnsupportedUrl(url: string): boolean {
	return /^[a-z][a-z\d+.-]*:\/\//i.test(url) && !/^sqlite:/i.test(url) && serverDialectOf(url) === undefined;
}

/** The absolute path of the file a SQLite URL (`sqlite:FILE` or a plain path) names; undefined for PostgreSQL. */
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
