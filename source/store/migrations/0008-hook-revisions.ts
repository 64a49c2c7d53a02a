import {DataTypes, type QueryInterface, type Transaction} from 'sequelize';
import {dialectOf} from '../dialects/index.js';

/**
 * A revision per hook, moved by triggers on every change of its row or of its signal links,
 * whoever makes it (the library, endpoint health, the console, plain SQL that leaves
 * `updated_at` alone). Editors save on the condition that the revision is still the one they
 * loaded, so a save never undoes a change made meanwhile; the hook caches compare it too.
 */
export async function up(queryInterface: QueryInterface, transaction?: Transaction) {
	const {sequelize} = queryInterface;
	await queryInterface.addColumn('http_hooks', 'revision', {type: DataTypes.INTEGER, allowNull: false, defaultValue: 0}, {transaction});
	for (const statement of dialectOf(sequelize).schema.revisionTriggers) {
		await sequelize.query(statement, {transaction});
	}
}

export async function down(queryInterface: QueryInterface) {
	const {sequelize} = queryInterface;
	const {schema} = dialectOf(sequelize);
	for (const statement of schema.dropTriggers.revision) {
		await sequelize.query(statement);
	}

	await schema.dropHookColumn(queryInterface, 'revision');
}
