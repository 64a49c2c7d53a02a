import type {QueryInterface, Transaction} from 'sequelize';

/**
 * Object ids of any length: `object_id` holds the app's primary key as text, and an app's key
 * may be longer than 255 characters (a text primary key). On PostgreSQL VARCHAR(255) refused
 * such a callback; TEXT takes any length (a change of type that rewrites nothing). SQLite
 * never enforced the length, so nothing changes there. The other text columns of a callback
 * copy hook fields of the same bounded size, or (the ordering key) are hashed when long.
 */
export async function up(queryInterface: QueryInterface, transaction?: Transaction) {
	if (queryInterface.sequelize.getDialect() !== 'postgres') {
		return;
	}

	await queryInterface.sequelize.query('ALTER TABLE http_callbacks ALTER COLUMN object_id TYPE TEXT', {transaction});
}

export async function down(queryInterface: QueryInterface) {
	if (queryInterface.sequelize.getDialect() !== 'postgres') {
		return;
	}

	await queryInterface.sequelize.query('ALTER TABLE http_callbacks ALTER COLUMN object_id TYPE VARCHAR(255) USING left(object_id, 255)');
}
