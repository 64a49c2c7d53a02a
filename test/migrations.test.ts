import {QueryTypes} from 'sequelize';
import {allDialects, dialectTest} from './helpers/dialect-test.js';
import {migrate} from '../source/index.js';
import {pendingMigrations} from '../source/store/migrate.js';

const tables = ['http_hooks', 'http_hook_signals', 'http_hook_signal_links', 'http_callbacks', 'http_callback_attempts', 'http_hook_models', 'http_hooks_state', 'http_hook_rate_buckets'];

dialectTest('migrations create every table, run once, and can run from several processes at once', async (t, database) => {
	const connections = [database.sequelize, database.open(), database.open()];
	const applied = await Promise.all(connections.map(async sequelize => migrate(sequelize)));
	t.is(applied.flat().filter(name => name === '0001-initial').length, 1, 'the first migration ran exactly once');
	t.deepEqual(await migrate(database.sequelize), [], 'nothing left to apply');
	t.deepEqual(await pendingMigrations(database.sequelize), []);
	for (const table of tables) {
		await t.notThrowsAsync(database.sequelize.query(`SELECT COUNT(*) FROM ${table}`), `${table} exists`);
	}

	const signals = await database.sequelize.query<{name: string}>('SELECT name FROM http_hook_signals WHERE built_in = ? ORDER BY name', {replacements: [true], type: QueryTypes.SELECT});
	t.deepEqual(signals.map(signal => signal.name), ['afterCreate', 'afterDestroy', 'afterRestore', 'afterSave', 'afterUpdate', 'afterUpsert']);
	const indexes = await database.sequelize.getQueryInterface().showIndex('http_callbacks') as Array<{name: string}>;
	for (const index of ['http_callbacks_status_next_attempt', 'http_callbacks_status_updated', 'http_callbacks_hook_status_due', 'http_callbacks_created']) {
		t.true(indexes.some(found => found.name === index), `index ${index}`);
	}
}, {dialects: allDialects});
