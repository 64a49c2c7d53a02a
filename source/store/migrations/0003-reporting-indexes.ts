import type {QueryInterface, Transaction} from 'sequelize';

/**
 * Indexes of the reading side: statistics read the attempts of the last hour (by start time);
 * the console lists callbacks of one status newest first (status, then id), without sorting
 * every row of that status.
 */
export async function up(queryInterface: QueryInterface, transaction?: Transaction) {
	await queryInterface.addIndex('http_callback_attempts', ['started_at'], {name: 'http_callback_attempts_started', transaction});
	await queryInterface.addIndex('http_callbacks', ['status', 'id'], {name: 'http_callbacks_status_id', transaction});
}

export async function down(queryInterface: QueryInterface) {
	await queryInterface.removeIndex('http_callbacks', 'http_callbacks_status_id');
	await queryInterface.removeIndex('http_callback_attempts', 'http_callback_attempts_started');
}
