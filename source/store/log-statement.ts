import type {Sequelize} from 'sequelize';

/** The app's `logging` option sees the library's statements as it sees its own (`connection`: the transaction's id). */
export function logStatement(sequelize: Sequelize, sql: string, connection: string | undefined): void {
	const {logging} = (sequelize as unknown as {options: {logging?: unknown}}).options;
	if (typeof logging === 'function') {
		logging(`Executing (${connection ?? 'default'}): ${sql}`);
	}
}
