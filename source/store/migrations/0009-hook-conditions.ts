import type {QueryInterface, Transaction} from 'sequelize';
import {dialectOf} from '../dialects/index.js';

/**
 * A hook may have a condition: a nunjucks expression over the payload's context, evaluated when
 * the change happens; when it is false, no callback row is written. Null: every change fires.
 */
export async function up(queryInterface: QueryInterface, transaction?: Transaction) {
	await queryInterface.addColumn('http_hooks', 'condition', {type: dialectOf(queryInterface.sequelize).schema.text, allowNull: true}, {transaction});
}

export async function down(queryInterface: QueryInterface) {
	await dialectOf(queryInterface.sequelize).schema.dropHookColumn(queryInterface, 'condition');
}
