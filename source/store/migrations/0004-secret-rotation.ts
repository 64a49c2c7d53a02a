import type {QueryInterface, Transaction} from 'sequelize';
import {dialectOf} from '../dialects/index.js';

/**
 * Secret rotation: a hook keeps its previous secret until a given time, and callbacks are
 * signed with both secrets until then, so receivers can switch over without losing a message.
 */
export async function up(queryInterface: QueryInterface, transaction?: Transaction) {
	const {schema} = dialectOf(queryInterface.sequelize);
	await queryInterface.addColumn('http_hooks', 'previous_secret', {type: schema.text, allowNull: true}, {transaction});
	await queryInterface.addColumn('http_hooks', 'previous_secret_expires_at', {type: schema.date, allowNull: true}, {transaction});
}

export async function down(queryInterface: QueryInterface) {
	await queryInterface.removeColumn('http_hooks', 'previous_secret_expires_at');
	await queryInterface.removeColumn('http_hooks', 'previous_secret');
}
