import test, {type ExecutionContext} from 'ava';
import type {Options} from 'sequelize';
import {createTestDatabase, postgresUrl, skipNote, type Dialect, type TestDatabase} from './database.js';

export const dialects: Dialect[] = ['sqlite', 'postgres'];

type DialectTest = (t: ExecutionContext, database: TestDatabase) => Promise<void> | void;

/**
 * Declare one test per dialect, each on a fresh database that is closed afterwards. Without
 * HTTP_HOOKS_TEST_PG the PostgreSQL variant is skipped with a note saying how to run it.
 */
export function dialectTest(title: string, body: DialectTest, {serial = false, options = {}}: {serial?: boolean; options?: Options} = {}): void {
	for (const dialect of dialects) {
		const name = `${dialect}: ${title}`;
		if (dialect === 'postgres' && !postgresUrl) {
			test.skip(`${name} (${skipNote})`, () => undefined);
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
