import {DataTypes, type QueryInterface, type Transaction} from 'sequelize';
import {dialectOf} from '../dialects/index.js';

/**
 * Endpoint health: why and when a hook was disabled by the sender (its endpoint failed too many
 * times in a row, or answered 410 Gone), on the hook; the run of failures itself in a table of
 * its own, since every change of `http_hooks` makes every process reload its hooks.
 */
export async function up(queryInterface: QueryInterface, transaction?: Transaction) {
	const {schema} = dialectOf(queryInterface.sequelize);
	await queryInterface.addColumn('http_hooks', 'disabled_reason', {type: schema.text, allowNull: true}, {transaction});
	await queryInterface.addColumn('http_hooks', 'disabled_at', {type: schema.date, allowNull: true}, {transaction});
	await queryInterface.createTable('http_hook_health', {
		hook_id: {type: DataTypes.INTEGER, primaryKey: true, allowNull: false},
		consecutive_failures: {type: DataTypes.INTEGER, allowNull: false, defaultValue: 0},
		updated_at: {type: schema.date, allowNull: false},
	}, {transaction, ...schema.tableOptions});
}

export async function down(queryInterface: QueryInterface) {
	await queryInterface.dropTable('http_hook_health');
	await queryInterface.removeColumn('http_hooks', 'disabled_at');
	await queryInterface.removeColumn('http_hooks', 'disabled_reason');
}
