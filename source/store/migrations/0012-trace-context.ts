import {DataTypes, type QueryInterface, type Transaction} from 'sequelize';

/**
 * Trace context: the W3C `traceparent` of the app's trace that was active when the callback was
 * captured (null without OpenTelemetry), so that the sender's attempt spans join that trace and
 * the receiver gets it in a `traceparent` header.
 */
export async function up(queryInterface: QueryInterface, transaction?: Transaction) {
	await queryInterface.addColumn('http_callbacks', 'traceparent', {type: DataTypes.STRING(64), allowNull: true}, {transaction});
}

export async function down(queryInterface: QueryInterface) {
	await queryInterface.removeColumn('http_callbacks', 'traceparent');
}
