import type {QueryInterface, Transaction} from 'sequelize';
import {dialectOf} from '../dialects/index.js';

/**
 * The counts of callbacks by status and hook (the console's hook list, the queue metrics) read
 * an index of (status, hook_id) and nothing else. On MySQL and MariaDB they read the (status, id)
 * index and then every matching row for its hook_id: seconds for 20,000 waiting or failed
 * callbacks on a cold cache (see SchemaSql.statusHookIndex).
 */
export async function up(queryInterface: QueryInterface, transaction?: Transaction) {
	if (dialectOf(queryInterface.sequelize).schema.statusHookIndex) {
		await queryInterface.addIndex('http_callbacks', ['status', 'hook_id'], {name: 'http_callbacks_status_hook', transaction});
	}
}

export async function down(queryInterface: QueryInterface) {
	if (dialectOf(queryInterface.sequelize).schema.statusHookIndex) {
		await queryInterface.removeIndex('http_callbacks', 'http_callbacks_status_hook');
	}
}
