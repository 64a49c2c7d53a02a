import {DataTypes, type QueryInterface, type Transaction} from 'sequelize';

/**
 * A hook may have a condition: a nunjucks expression over the payload's context, evaluated when
 * the change happens; when it is false, no callback row is written. Null: every change fires.
 */
export async function up(queryInterface: QueryInterface, transaction?: Transaction) {
	await queryInterface.addColumn('http_hooks', 'condition', {type: DataTypes.TEXT, allowNull: true}, {transaction});
}

export async function down(queryInterface: QueryInterface) {
	const {sequelize} = queryInterface;
	if (sequelize.getDialect() === 'postgres') {
		await queryInterface.removeColumn('http_hooks', 'condition');
		return;
	}

	// Not removeColumn: on SQLite it rebuilds the table, which drops the table's triggers.
	await sequelize.query('ALTER TABLE http_hooks DROP COLUMN "condition"');
}
