import type {QueryInterface, Transaction} from 'sequelize';
import {dialectOf} from '../dialects/index.js';

/**
 * The claim of abandoned callbacks (lease run out) walks leases by status and time, in that
 * index's order, and stops at its limit. Where a locking read locks every row it reads (MySQL,
 * MariaDB), it read and locked every callback being sent without it, other senders' included;
 * PostgreSQL and SQLite lock only what a claim takes and need none (see SchemaSql.leaseIndex).
 */
export async function up(queryInterface: QueryInterface, transaction?: Transaction) {
	if (dialectOf(queryInterface.sequelize).schema.leaseIndex) {
		await queryInterface.addIndex('http_callbacks', ['status', 'lease_until'], {name: 'http_callbacks_status_lease', transaction});
	}
}

export async function down(queryInterface: QueryInterface) {
	if (dialectOf(queryInterface.sequelize).schema.leaseIndex) {
		await queryInterface.removeIndex('http_callbacks', 'http_callbacks_status_lease');
	}
}
