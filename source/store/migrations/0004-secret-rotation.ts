import {DataTypes, type QueryInterface, type Transaction} from 'sequelize';

/**
 * Secret rotation: a hook keeps its previous secret until a given time, and callbacks are
 * signed with both secrets until then, so receivers can switch over without losing a message.
 */
export async function up(queryInterface: QueryInterface, transaction?: Transaction) {
	await queryInterface.addColumn('http_hooks', 'previous_secret', {type: DataTypes.TEXT, allowNull: true}, {transaction});
	await queryInterface.addColumn('http_hooks', 'previous_secret_expires_at', {type: DataTypes.DATE, allowNull: true}, {transaction});
}

export async function down(queryInterface: QueryInterface) {
	await queryInterface.removeColumn('http_hooks', 'previous_secret_expires_at');
	await queryInterface.removeColumn('http_hooks', 'previous_secret');
}
