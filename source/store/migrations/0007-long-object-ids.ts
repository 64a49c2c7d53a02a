import type {QueryInterface, Transaction} from 'sequelize';
import {dialectOf} from '../dialects/index.js';

/**
 * Object ids of any length: `object_id` holds the app's primary key as text, and an app's key
 * may be longer than 255 characters (a text primary key). On PostgreSQL VARCHAR(255) refused
 * such a callback; TEXT takes any length (a change of type that rewrites nothing; MySQL:
 * MEDIUMTEXT). SQLite never enforced the length, so nothing changes there. The other text columns of a callback
 * copy hook fields of the same bounded size, or (the ordering key) are hashed when long.
 */
export async function up(queryInterface: QueryInterface, transaction?: Transaction) {
	for (const statement of dialectOf(queryInterface.sequelize).schema.longObjectIds) {
		await queryInterface.sequelize.query(statement, {transaction});
	}
}

export async function down(queryInterface: QueryInterface) {
	for (const statement of dialectOf(queryInterface.sequelize).schema.shortObjectIds) {
		await queryInterface.sequelize.query(statement);
	}
}
