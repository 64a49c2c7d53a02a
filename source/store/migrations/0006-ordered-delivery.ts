import {DataTypes, type QueryInterface, type Transaction} from 'sequelize';
import {dialectOf} from '../dialects/index.js';

/**
 * Per-record ordering: a hook may be `ordered`; its callbacks then carry an ordering key (model
 * and primary key, or a custom signal's `orderingKey`), and one is claimed only when no earlier
 * callback of the same hook and key is unfinished. The partial index holds only the unfinished
 * callbacks with a key, so that check is one short index probe and costs nothing to others
 * (MySQL has no partial indexes: there it holds every callback, and the probe is as short).
 */
export async function up(queryInterface: QueryInterface, transaction?: Transaction) {
	await queryInterface.addColumn('http_hooks', 'ordered', {type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false}, {transaction});
	await queryInterface.addColumn('http_callbacks', 'ordering_key', {type: DataTypes.STRING, allowNull: true}, {transaction});
	await queryInterface.sequelize.query(dialectOf(queryInterface.sequelize).schema.orderingIndex, {transaction});
}

export async function down(queryInterface: QueryInterface) {
	await queryInterface.removeIndex('http_callbacks', 'http_callbacks_ordering');
	await queryInterface.removeColumn('http_callbacks', 'ordering_key');
	await queryInterface.removeColumn('http_hooks', 'ordered');
}
