import {randomBytes} from 'node:crypto';
import {mkdtempSync, rmSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {Sequelize, type Options} from 'sequelize';
import {openDatabase} from '../../source/store/open-database.js';

export type Dialect = 'sqlite' | 'postgres';

export const postgresUrl = process.env['HTTP_HOOKS_TEST_PG'];
export const skipNote = 'set HTTP_HOOKS_TEST_PG=postgres://postgres@127.0.0.1:5432/test to run it';

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
 * A fresh, empty database: a new SQLite file, or a new PostgreSQL database created next to the
 * one HTTP_HOOKS_TEST_PG names, so that tests run side by side without seeing each other.
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
		if (!postgresUrl) {
			throw new Error(`PostgreSQL is not configured: ${skipNote}`);
		}

		// A database of its own per test: PostgreSQL catalog lookups by table name (Sequelize's
		// sync, for one) then never see another test's tables come and go.
		const name = `http_hooks_test_${randomBytes(6).toString('hex')}`;
		const admin = new Sequelize(postgresUrl, {logging: false});
		await admin.query(`CREATE DATABASE ${name}`);
		await admin.close();
		const parsed = new URL(postgresUrl);
		parsed.pathname = `/${name}`;
		url = parsed.toString();
		dropDatabase = async () => {
			const cleanup = new Sequelize(postgresUrl, {logging: false});
			await cleanup.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
			await cleanup.close();
		};
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

