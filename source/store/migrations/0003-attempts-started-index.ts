import type {QueryInterface, Transaction} from 'sequelize';

// Statistics read the attempts of the last hour: by start time.
export async function up(queryInterface: QueryInterface, transaction?: Transaction) {
	await queryInterface.addIndex('http_callback_attempts', ['started_at'], {name: 'http_callback_attempts_started', transaction});
}

export async function down(queryInterface: QueryInterface) {
	await queryInterface.removeIndex('http_callback_attempts', 'http_callback_attempts_started');
}
