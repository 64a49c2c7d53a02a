import type {Sequelize, Transaction} from 'sequelize';

/**
 * Run a write statement with bound values straight on the driver's connection of the
 * transaction (or on one of Sequelize's connections when there is none), bypassing Sequelize's
 * query layer: for the capture's INSERT, which runs inside every hooked write of the app, that
 * layer (stack capture, result parsing, named-parameter rewriting) costs more than the
 * statement itself. Placeholders are those `directPlaceholders` names; values are always bound.
 *
 * Dialects without a direct path here run `fallback` instead (Sequelize's `bind`, `$1`, `$2`, …).
 */
export async function runDirect(sequelize: Sequelize, sql: string, values: unknown[], transaction: Transaction | null | undefined, fallback: () => Promise<unknown>): Promise<void> {
	const run = runners[sequelize.getDialect()];
	if (!run) {
		await fallback();
		return;
	}

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

/**
 * Placeholders: `numbered` (`$1`, `$2`, … in order) or `positional` (`?`). SQLite takes `?`:
 * its driver binds `$n` by name, at a cost that grows with the number of values (measured:
 * 200 rows of 19 values, 180 µs per row with `$n`, 18–32 µs with `?`). Undefined: no direct path.
 */
export type Placeholders = 'numbered' | 'positional';
export function directPlaceholders(sequelize: Sequelize): Placeholders | undefined {
	return placeholders[sequelize.getDialect()];
}

const placeholders: Partial<Record<string, Placeholders>> = {sqlite: 'positional', postgres: 'numbered'};

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
type SqliteDatabase = {run(sql: string, values: unknown[], callback: (error: Error | null) => void): void};
type PgClient = {query(config: {text: string; values: unknown[]}): Promise<unknown>};

const runners: Partial<Record<string, (connection: unknown, sql: string, values: unknown[]) => Promise<void>>> = {
	async sqlite(connection, sql, values) {
		await new Promise<void>((resolve, reject) => {
			(connection as SqliteDatabase).run(sql, values.map(sqliteValue), error => {
				if (error) {
					reject(error);
				} else {
					resolve();
				}
			});
		});
	},
	async postgres(connection, sql, values) {
		await (connection as PgClient).query({text: sql, values});
	},
};

// As Sequelize binds them: bigints as text (the driver would refuse them).
function sqliteValue(value: unknown): unknown {
	return typeof value === 'bigint' ? value.toString() : value;
}

/** The app's `logging` option sees the library's statements as it sees its own (`connection`: the transaction's id). */
export function logStatement(sequelize: Sequelize, sql: string, connection: string | undefined): void {
	const {logging} = (sequelize as unknown as {options: {logging?: unknown}}).options;
	if (typeof logging === 'function') {
		logging(`Executing (${connection ?? 'default'}): ${sql}`);
	}
}
