import {randomBytes} from 'node:crypto';
import {mkdtempSync, rmSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type {Options, Sequelize} from 'sequelize';
import {openDatabase} from '../../source/store/open-database.js';

export type Dialect = 'sqlite' | 'postgres' | 'mysql' | 'mariadb';

export const postgresUrl = process.env['HTTP_HOOKS_TEST_PG'];
export const skipNote = 'set HTTP_HOOKS_TEST_PG=postgres://postgres@127.0.0.1:5432/test to run it';

/** The server each dialect's tests run on (a URL of its `test` database), and how to set it. */
export const servers: Record<Exclude<Dialect, 'sqlite'>, {url: string | undefined; note: string}> = {
	postgres: {url: postgresUrl, note: skipNote},
	mysql: {url: process.env['HTTP_HOOKS_TEST_MYSQL'], note: 'set HTTP_HOOKS_TEST_MYSQL=mysql://root@127.0.0.1:3306/test to run it'},
	mariadb: {url: process.env['HTTP_HOOKS_TEST_MARIADB'], note: 'set HTTP_HOOKS_TEST_MARIADB=mariadb://root@127.0.0.1:3306/test to run it'},
};

/**
 * Drop a database of the server of `serverUrl` (PostgreSQL: with its connections). MariaDB
 * 10.11 now and then leaves a trigger file's backup (`.TRG-`) in the database's directory, and
 * DROP DATABASE then drops every table but cannot remove the directory (1010): the empty
 * database is left behind, not an error.
 */
export async function dropServerDatabase(serverUrl: string, name: string): Promise<void> {
	const cleanup = openDatabase(serverUrl);
	try {
		await cleanup.query(cleanup.getDialect() === 'postgres' ? `DROP DATABASE IF EXISTS ${name} WITH (FORCE)` : `DROP DATABASE IF EXISTS ${name}`);
	} catch (error) {
		if ((error as {original?: {errno?: number}}).original?.errno !== 1010) {
			throw error;
		}
	} finally {
		await cleanup.close();
	}
}

export type TestDatabase = {
	dialect: Dialect;
	/** A URL the programs accept (`--database-url`), pointing at this database alone. */
	url: string;
	sequelize: Sequelize;
	/** Another, independent connection to the same database (as a second process would have). */
	open(options?: Options): Sequelize;
	close(): Promise<void>;
};

/**
 * A fresh, empty database: a new SQLite file, or a new database created on the server of
 * HTTP_HOOKS_TEST_PG, HTTP_HOOKS_TEST_MYSQL or HTTP_HOOKS_TEST_MARIADB, so that tests run side
 * by side without seeing each other.
 */
export async function createTestDatabase(dialect: Dialect, options: Options = {}): Promise<TestDatabase> {
	const opened: Sequelize[] = [];
	let url: string;
	let dropDatabase: (() => Promise<void>) | undefined;
	if (dialect === 'sqlite') {
		const directory = mkdtempSync(path.join(os.tmpdir(), 'http-hooks-test-'));
		url = path.join(directory, 'test.sqlite');
		dropDatabase = async () => rmSync(directory, {recursive: true, force: true});
	} else {
		const {url: serverUrl, note} = servers[dialect];
		if (!serverUrl) {
			throw new Error(`${dialect} is not configured: ${note}`);
		}

		// A database of its own per test: catalog lookups by table name (Sequelize's sync, for
		// one) then never see another test's tables come and go.
		const name = `http_hooks_test_${randomBytes(6).toString('hex')}`;
		const admin = openDatabase(serverUrl);
		await admin.query(dialect === 'postgres' ? `CREATE DATABASE ${name}` : `CREATE DATABASE ${name} CHARACTER SET utf8mb4`);
		await admin.close();
		const parsed = new URL(serverUrl);
		parsed.pathname = `/${name}`;
		url = parsed.toString();
		dropDatabase = async () => dropServerDatabase(serverUrl, name);
	}

	const open = (extra: Options = {}) => {
		const sequelize = openDatabase(url, {...options, ...extra});
		opened.push(sequelize);
		return sequelize;
	};

	return {
		dialect,
		url,
		sequelize: open(),
		open,
		async close() {
			await Promise.all(opened.map(async sequelize => sequelize.close().catch(() => undefined)));
			await dropDatabase?.();
		},
	};
}

