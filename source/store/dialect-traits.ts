import type {Sequelize} from 'sequelize';

/** What the library's raw statements need to know of a dialect, in one place. */
export type DialectTraits = {
	/**
	 * A failed statement aborts the whole transaction (PostgreSQL), so a statement of the
	 * library inside the app's transaction runs under a savepoint. SQLite rolls back only the
	 * failed statement.
	 */
	failedStatementAbortsTransaction: boolean;
	/** A time as a DATE column wants it bound as a parameter. */
	time(date: Date): string;
	/** Why a text cannot be stored exactly in a text column, if it cannot. */
	unstorable(text: string): string | undefined;
	/** Rows per multi-row INSERT of callbacks. */
	rowsPerInsert: number;
};

const postgres: DialectTraits = {
	failedStatementAbortsTransaction: true,
	time: date => date.toISOString(),
	// PostgreSQL text cannot hold NUL, and Sequelize silently binds it as the two characters `\0`.
	unstorable: text => text.includes('\0') ? 'it contains the NUL character (U+0000), which PostgreSQL cannot store in text' : undefined,
	// Bound positionally: a long statement costs nothing more per value.
	rowsPerInsert: 500,
};

// SQLite DATE columns hold the text Sequelize writes ('2026-01-31 12:00:00.000 +00:00'), so
// that comparisons in SQL stay right.
const sqlite: DialectTraits = {
	failedStatementAbortsTransaction: false,
	time: date => `${date.toISOString().replace('T', ' ').replace('Z', '')} +00:00`,
	unstorable: () => undefined,
	// SQLite looks each named parameter up by a linear search, so a statement's cost grows with
	// the square of its values: short statements (measured: 1,000 rows took 7x longer than 20s).
	rowsPerInsert: 25,
};

export function dialectTraits(sequelize: Sequelize): DialectTraits {
	return sequelize.getDialect() === 'postgres' ? postgres : sqlite;
}
