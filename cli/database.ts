import {existsSync, statSync} from 'node:fs';
import type {Sequelize} from 'sequelize';
import type {FlagSpec} from './command.js';
import {missingPackage} from './missing-package.js';
import type {HttpHooks, HttpHooksOptions} from '../source/index.js';
import {databaseUrlFrom, redact, sqliteFile} from '../source/store/database-url.js';

// The library (and with it Sequelize and the drivers) is imported when a command connects, not
// when this module loads: `hooks --help` and a command's --help never pay for it.

/** The database cannot be used: one clear line, exit 3. */
export class DatabaseUnavailableError extends Error {}

export const databaseFlag: Record<string, FlagSpec> = {
	databaseUrl: {type: 'string', placeholder: 'URL', description: 'Database URL (else DATABASE_URL, else ./http-hooks.sqlite)'},
};

/**
 * Connect to the database of `--database-url` / DATABASE_URL / ./http-hooks.sqlite. A bad URL
 * or an unreachable server becomes a DatabaseUnavailableError with one readable line.
 */
export async function openConnection(databaseUrl: string | undefined): Promise<{sequelize: Sequelize; url: string}> {
	const url = databaseUrlFrom(databaseUrl);
	const file = safely(() => sqliteFile(url));
	// SQLite cannot open a directory, and the driver then never settles: say so before trying.
	if (file !== undefined && safely(() => statSync(file).isDirectory())) {
		throw new DatabaseUnavailableError(`The database path ${file} is a directory, not a SQLite file: give the file's path with --database-url`);
	}

	const {openDatabase} = await import('../source/store/open-database.js');
	let sequelize: Sequelize;
	try {
		sequelize = openDatabase(url);
	} catch (error) {
		throw new DatabaseUnavailableError(missingPackage(error) ?? withoutUrl((error as Error).message, url));
	}

	try {
		await sequelize.authenticate();
		return {sequelize, url};
	} catch (error) {
		await sequelize.close().catch(() => undefined);
		throw new DatabaseUnavailableError(`Cannot connect to the database ${redact(url)}: ${withoutUrl(describe(error), url)}`);
	}
}

/**
 * Connect and open the library on it, without capturing events; the tables must exist. A SQLite
 * file that does not exist is an error (opening it would create an empty one); `hooks migrate`
 * creates it.
 */
export async function openHttpHooks(databaseUrl: string | undefined, options: Omit<HttpHooksOptions, 'migrate'> = {}): Promise<{httpHooks: HttpHooks; sequelize: Sequelize; url: string}> {
	const file = safely(() => sqliteFile(databaseUrlFrom(databaseUrl)));
	if (file !== undefined && !existsSync(file)) {
		throw new DatabaseUnavailableError(`There is no database file ${file}: run \`hooks migrate\` to create it, or give the app's database with --database-url`);
	}

	const {sequelize, url} = await openConnection(databaseUrl);
	try {
		const [{connectHttpHooks}, {pendingMigrations}] = await Promise.all([import('../source/index.js'), import('../source/store/migrate.js')]);
		const pending = await pendingMigrations(sequelize);
		if (pending.length > 0) {
			throw new DatabaseUnavailableError(`The database ${redact(url)} lacks the library's tables (pending migrations: ${pending.join(', ')}); run \`hooks migrate\` first`);
		}

		return {httpHooks: await connectHttpHooks(sequelize, {...options, migrate: false}), sequelize, url};
	} catch (error) {
		await sequelize.close().catch(() => undefined);
		throw error instanceof DatabaseUnavailableError ? error : new DatabaseUnavailableError(`Cannot use the database ${redact(url)}: ${withoutUrl(describe(error), url)}`);
	}
}

/**
 * `--hook-id N` names a hook that must exist: else an HttpHooksError naming it (exit 1), as
 * `--callback 99` names a callback that does not.
 */
export async function checkHookFlag(httpHooks: HttpHooks, hookId: number | undefined): Promise<void> {
	if (hookId !== undefined) {
		const {checkHookExists} = await import('../source/operations/callback-selection.js');
		await checkHookExists(httpHooks.models, {hookId});
	}
}

// Driver codes meaning the SQLite file (or its directory, where the journal goes) cannot be written.
const notWritable = new Set(['SQLITE_READONLY', 'SQLITE_CANTOPEN', 'SQLITE_PERM', 'EACCES', 'EPERM', 'EROFS']);

/**
 * The one-line DatabaseUnavailableError for an error that says the SQLite database cannot be
 * written (a read-only file or directory, an immutable file); undefined for any other error.
 */
export function unwritableDatabase(error: unknown, databaseUrl: string | undefined): DatabaseUnavailableError | undefined {
	const {original, parent} = error as {original?: {code?: string}; parent?: {code?: string}};
	const code = original?.code ?? parent?.code ?? (error as {code?: string} | undefined)?.code;
	const file = safely(() => sqliteFile(databaseUrlFrom(databaseUrl)));
	if (file === undefined || code === undefined || !(notWritable.has(code) || code.startsWith('SQLITE_READONLY'))) {
		return undefined;
	}

	return new DatabaseUnavailableError(`Cannot write the database file ${file} (${code}): the file and its directory must be writable by this user`);
}

/** A value, or undefined when working it out fails (openConnection then reports the bad URL). */
function safely<T>(get: () => T): T | undefined {
	try {
		return get();
	} catch {
		return undefined;
	}
}

/** A driver's message with the URL, should it quote it, redacted like ours. */
function withoutUrl(message: string, url: string): string {
	return message.replaceAll(url, redact(url));
}

function describe(error: unknown): string {
	const {message, name, original} = error as {message?: string; name?: string; original?: {code?: string; message?: string}};
	return original?.message || message || original?.code || name || String(error);
}
