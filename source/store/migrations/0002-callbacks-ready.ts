import type {QueryInterface, Transaction} from 'sequelize';
import {dialectOf} from '../dialects/index.js';

/**
 * PostgreSQL: every statement that inserts callbacks notifies `http_callbacks_ready` with the
 * schema's name, so that `--watch` senders wake at once (polling stays as the backstop; SQLite
 * and MySQL have no notifications and poll only). Statement level: a bulk insert notifies once.
 */
export async function up(queryInterface: QueryInterface, transaction?: Transaction) {
	for (const statement of dialectOf(queryInterface.sequelize).schema.readyTriggers) {
		await queryInterface.sequelize.query(statement, {transaction});
	}
}

export async function down(queryInterface: QueryInterface) {
	for (const statement of dialectOf(queryInterface.sequelize).schema.dropTriggers.ready) {
		await queryInterface.sequelize.query(statement);
	}
}
