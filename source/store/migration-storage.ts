import {QueryTypes, type Sequelize, type Transaction} from 'sequelize';
import type {UmzugStorage} from 'umzug';
import {dialectOf} from './dialects/index.js';

const table = 'http_hooks_migrations';

/**
 * Where umzug records applied migrations: one small table of names, kept with plain SQL.
 * (umzug's SequelizeStorage syncs a model, whose index lookup on PostgreSQL matches the table
 * name in every schema of the database, and so trips over other schemas.)
 */
export class MigrationStorage implements UmzugStorage {
	constructor(private readonly sequelize: Sequelize) {}

	async executed(): Promise<string[]> {
		await this.#ensureTable();
		const rows = await this.sequelize.query<{name: string}>(`SELECT name FROM ${table} ORDER BY name`, {type: QueryTypes.SELECT});
		return rows.map(row => row.name);
	}

	// Two PostgreSQL sessions running CREATE TABLE IF NOT EXISTS at the same moment can both try
	// to create it; the loser's unique violation (23505) or duplicate table (42P07) means it exists.
	async #ensureTable(): Promise<void> {
		try {
			await this.sequelize.query(`CREATE TABLE IF NOT EXISTS ${table} (name VARCHAR(255) PRIMARY KEY)`);
		} catch (error) {
			const code = (error as {original?: {code?: string}}).original?.code;
			if (code !== '23505' && code !== '42P07') {
				throw error;
			}
		}
	}

	/** The applied names, without creating the record table: none when it does not exist. */
	async readExecuted(): Promise<string[]> {
		try {
			const rows = await this.sequelize.query<{name: string}>(`SELECT name FROM ${table} ORDER BY name`, {type: QueryTypes.SELECT});
			return rows.map(row => row.name);
		} catch (error) {
			const message = String((error as Error).message);
			if (/no such table|does not exist|doesn't exist/i.test(message)) {
				return [];
			}

			throw error;
		}
	}

	async isApplied(name: string, transaction?: Transaction): Promise<boolean> {
		const rows = await this.sequelize.query(`SELECT name FROM ${table} WHERE name = ?`, {replacements: [name], type: QueryTypes.SELECT, transaction});
		return rows.length > 0;
	}

	// Recorded in the migration's own transaction (see migrate.ts); a second record of the same
	// name (umzug logs after each run too) is ignored.
	async logMigration({name}: {name: string}, transaction?: Transaction): Promise<void> {
		await this.sequelize.query(dialectOf(this.sequelize).recordMigration(table), {replacements: [name], transaction});
	}

	async unlogMigration({name}: {name: string}): Promise<void> {
		await this.sequelize.query(`DELETE FROM ${table} WHERE name = ?`, {replacements: [name]});
	}
}
