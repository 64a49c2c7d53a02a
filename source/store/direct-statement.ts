import type {Sequelize, Transaction} from 'sequelize';
import {dialectOf} from './dialects/index.js';
import {logStatement} from './log-statement.js';

/**
 * Run a write statement with bound values straight on the driver's connection of the
 * transaction (or on one of Sequelize's connections when there is none), bypassing Sequelize's
 * query layer: for the capture's INSERT, which runs inside every hooked write of the app, that
 * layer (stack capture, result parsing, named-parameter rewriting) costs more than the
 * statement itself. Placeholders are those of the dialect's `direct.placeholders`; values are
 * always bound. Each dialect module says how its driver runs a statement.
 */
export async function runDirect(sequelize: Sequelize, sql: string, values: unknown[], transaction: Transaction | null | undefined): Promise<void> {
	const {run} = dialectOf(sequelize).direct;
	logStatement(sequelize, sql, transaction ? (transaction as unknown as {id: string}).id : undefined);
	const manager = sequelize.connectionManager as unknown as ConnectionManager;
	const own = transaction ? undefined : await manager.getConnection({type: 'write'});
	const connection = transaction ? (transaction as unknown as {connection: unknown}).connection : own;
	try {
		await run(connection, sql, values);
	} catch (error) {
		throw new DirectStatementError(error);
	} finally {
		if (own !== undefined) {
			manager.releaseConnection(own);
		}
	}
}

/** A driver's error, carried the way Sequelize carries it (`original`, with its `code`). */
export class DirectStatementError extends Error {
	override name = 'DirectStatementError';
	readonly original: unknown;
	constructor(original: unknown) {
		super(original instanceof Error ? original.message : String(original), {cause: original});
		this.original = original;
	}
}

type ConnectionManager = {getConnection(options: {type: 'write'}): Promise<unknown>; releaseConnection(connection: unknown): void};
