import type {Sequelize, Transaction} from 'sequelize';
import {dialectOf} from './dialects/index.js';

/**
 * Hold a lock on `name` until `transaction` ends, so that two processes writing the same name
 * (two apps starting, each ensuring its hooks) take turns. How is the dialect's (dialects/*.ts):
 * PostgreSQL an advisory lock on the name's hash, SQLite the file's write lock the library's
 * writes hold already, MySQL the row lock of http_hooks_state.
 */
export async function lockName(sequelize: Sequelize, name: string, transaction: Transaction): Promise<void> {
	await dialectOf(sequelize).lockName(sequelize, name, transaction);
}
