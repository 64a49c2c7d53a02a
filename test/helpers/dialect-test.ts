import test, {type ExecutionContext} from 'ava';
import type {Options} from 'sequelize';
import {createTestDatabase, servers, type Dialect, type TestDatabase} from './database.js';

/** The dialects every dialect test runs on. */
export const dialects: Dialect[] = ['sqlite', 'postgres'];

/**
 * Every dialect: the tests of code whose SQL differs by dialect (capture, claims, results,
 * migrations, operations) pass `{dialects: allDialects}`, so that MySQL and MariaDB run them too;
 * the others stay on two, which keeps the suite's time in bounds.
 */
export const allDialects: Dialect[] = ['sqlite', 'postgres', 'mysql', 'mariadb'];

type DialectTest = (t: ExecutionContext, database: TestDatabase) => Promise<void> | void;

/**
 * Declare one test per dialect, each on a fresh database that is closed afterwards. A server
 * dialect whose variable (HTTP_HOOKS_TEST_PG, HTTP_HOOKS_TEST_MYSQL, HTTP_HOOKS_TEST_MARIADB)
 * is not set is skipped with a note saying how to run it.
 */
export function dialectTest(title: string, body: DialectTest, {serial = false, options = {}, dialects: on = dialects}: {serial?: boolean; options?: Options; dialects?: Dialect[]} = {}): void {
	for (const dialect of on) {
		const name = `${dialect}: ${title}`;
		if (dialect !== 'sqlite' && !servers[dialect].url) {
			test.skip(`${name} (${servers[dialect].note})`, () => undefined);
			continue;
		}

		(serial ? test.serial : test)(name, async t => {
			const database = await createTestDatabase(dialect, options);
			try {
				await body(t, database);
			} finally {
				await database.close();
			}
		});
	}
}
