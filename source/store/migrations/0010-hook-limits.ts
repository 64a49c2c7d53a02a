import {DataTypes, type QueryInterface, type Transaction} from 'sequelize';
import {dialectOf} from '../dialects/index.js';

/**
 * Per-hook delivery control: a rate limit (requests per second, all senders together), a cap on
 * requests in flight, and a retry schedule of its own. The rate limit's token bucket lives in a
 * table of its own, one row per limited hook, updated in the claim's transaction by every sender
 * (not on the hook: a change of `http_hooks` makes every process reload its hooks).
 * The hook's claims look for its due callbacks by hook, status and due time: the index on
 * (hook_id, status) grows a third column, so it answers that without a sort and still answers
 * everything it did.
 */
export async function up(queryInterface: QueryInterface, transaction?: Transaction) {
	const t = {transaction};
	const {schema} = dialectOf(queryInterface.sequelize);
	await queryInterface.addColumn('http_hooks', 'rate_limit', {type: DataTypes.DOUBLE, allowNull: true}, t);
	await queryInterface.addColumn('http_hooks', 'max_in_flight', {type: DataTypes.INTEGER, allowNull: true}, t);
	await queryInterface.addColumn('http_hooks', 'max_attempts', {type: DataTypes.INTEGER, allowNull: true}, t);
	await queryInterface.addColumn('http_hooks', 'retry_delays', {type: schema.text, allowNull: true}, t);
	await queryInterface.createTable('http_hook_rate_buckets', {
		hook_id: {type: DataTypes.INTEGER, primaryKey: true, allowNull: false},
		tokens: {type: DataTypes.DOUBLE, allowNull: false},
		// The database clock, in ms since 1970: every sender on every machine reads the same clock.
		refilled_ms: {type: DataTypes.DOUBLE, allowNull: false},
	}, {...t, ...schema.tableOptions});
	await queryInterface.removeIndex('http_callbacks', 'http_callbacks_hook_status', t);
	await queryInterface.addIndex('http_callbacks', ['hook_id', 'status', 'next_attempt_at'], {name: 'http_callbacks_hook_status_due', ...t});
}

export async function down(queryInterface: QueryInterface) {
	await queryInterface.removeIndex('http_callbacks', 'http_callbacks_hook_status_due');
	await queryInterface.addIndex('http_callbacks', ['hook_id', 'status'], {name: 'http_callbacks_hook_status'});
	await queryInterface.dropTable('http_hook_rate_buckets');
	for (const column of ['retry_delays', 'max_attempts', 'max_in_flight', 'rate_limit']) {
		await dialectOf(queryInterface.sequelize).schema.dropHookColumn(queryInterface, column);
	}
}
