import test from 'ava';
import {openDatabase} from '../source/store/open-database.js';
import {dialectOf} from '../source/store/dialects/index.js';
import {createTestDatabase, servers} from './helpers/database.js';
import {runHooks} from './helpers/run-cli.js';

test('mysql:// and mariadb:// open Sequelize\'s mysql and mariadb dialects, which share one dialect module', async t => {
	const mysql = openDatabase('mysql://app:secret@127.0.0.1:1/app');
	const mariadb = openDatabase('MARIADB://app:secret@127.0.0.1:1/app');
	try {
		t.is(mysql.getDialect(), 'mysql');
		t.is(mariadb.getDialect(), 'mariadb');
		t.is(dialectOf(mysql).family, 'mysql');
		t.is(dialectOf(mariadb).family, 'mysql');
		// Times to the millisecond, in the instance's time zone (UTC unless the app sets one).
		t.is(dialectOf(mysql).time(new Date('2026-01-02T03:04:05.678Z')), '2026-01-02 03:04:05.678');
	} finally {
		await Promise.all([mysql.close(), mariadb.close()]);
	}

	const zoned = openDatabase('mysql://app@127.0.0.1:1/app', {timezone: '+02:00'});
	t.is(dialectOf(zoned).time(new Date('2026-01-02T03:04:05.678Z')), '2026-01-02 05:04:05.678');
	await zoned.close();
});

test('mariadb:// waits 10 s for a connection, not the driver\'s 1 s, unless the app\'s options or the URL say otherwise', async t => {
	const timeoutOf = (sequelize: ReturnType<typeof openDatabase>) => (sequelize as unknown as {config: {dialectOptions?: {connectTimeout?: unknown}}}).config.dialectOptions?.connectTimeout;
	const plain = openDatabase('mariadb://app@127.0.0.1:1/app');
	const fromOptions = openDatabase('mariadb://app@127.0.0.1:1/app', {dialectOptions: {connectTimeout: 2500}});
	const fromUrl = openDatabase('mariadb://app@127.0.0.1:1/app?connectTimeout=3000');
	try {
		t.is(timeoutOf(plain), 10_000);
		t.is(timeoutOf(fromOptions), 2500);
		t.is(timeoutOf(fromUrl), '3000');
	} finally {
		await Promise.all([plain.close(), fromOptions.close(), fromUrl.close()]);
	}
});

test('a MySQL or MariaDB server that is down, or a bad URL: exit 3, one line, no password', async t => {
	const [down, downFromEnvironment, bad] = await Promise.all([
		runHooks(['list-hooks', '--database-url', 'mysql://root:secret-password@127.0.0.1:1/app']),
		runHooks(['monitor-callbacks', '--status', 'error'], {env: {DATABASE_URL: 'mariadb://root:secret-password@127.0.0.1:1/app'}}),
		runHooks(['list-callbacks', '--database-url', 'mariadb://root:secret-password@[bad/app']),
	]);
	t.is(down.code, 3, down.stderr);
	t.regex(down.stderr, /^Cannot connect to the database mysql:\/\/root:\*\*\*@127\.0\.0\.1:1\/app: .*ECONNREFUSED.*\n$/);
	t.is(downFromEnvironment.code, 3);
	t.regex(downFromEnvironment.stdout, /^CALLBACKS UNKNOWN - Cannot connect to the database mariadb:\/\/root:\*\*\*@127\.0\.0\.1:1\/app: .*\n$/);
	t.is(bad.code, 3, bad.stderr);
	t.regex(bad.stderr, /^Database URL "mariadb:\/\/root:\*\*\*@\[bad\/app" is not valid: .*\n$/);
	for (const result of [down, downFromEnvironment, bad]) {
		t.false(`${result.stdout}${result.stderr}`.includes('secret-password'));
		t.notRegex(result.stderr, /\n\s+at /);
	}
});

for (const dialect of ['mysql', 'mariadb'] as const) {
	(servers[dialect].url ? test : test.skip)(`${dialect}: a database without the tables, and one that does not exist: exit 3, one line; migrate creates them${servers[dialect].url ? '' : ` (${servers[dialect].note})`}`, async t => {
		const database = await createTestDatabase(dialect);
		try {
			const missing = new URL(database.url);
			missing.pathname = '/http_hooks_no_such_database';
			const [empty, absent] = await Promise.all([
				runHooks(['list-hooks', '--database-url', database.url]),
				runHooks(['list-hooks', '--database-url', missing.toString()]),
			]);
			t.is(empty.code, 3, empty.stderr);
			t.regex(empty.stderr, /^The database .* lacks the library's tables \(pending migrations: 0001-initial, .*\); run `hooks migrate` first\n$/);
			t.is(absent.code, 3, absent.stderr);
			t.regex(absent.stderr, /^Cannot connect to the database .*http_hooks_no_such_database: .*\n$/);
			const migrated = await runHooks(['migrate', '--database-url', database.url]);
			t.is(migrated.code, 0, migrated.stderr);
			const listed = await runHooks(['list-hooks', '--json', '--database-url', database.url]);
			t.is(listed.code, 0, listed.stderr);
			t.deepEqual(JSON.parse(listed.stdout), []);
		} finally {
			await database.close();
		}
	});
}
