import {Transaction, type Sequelize} from 'sequelize';

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
	// Bound by position (`?`, see store/direct-statement.ts): the cost per row is flat from about
	// 25 rows on; 100 keeps a statement's 1,900 values far below SQLite's limit (32,766).
	rowsPerInsert: 100,
};

export function dialectTraits(sequelize: Sequelize): DialectTraits {
	return sequelize.getDialect() === 'postgres' ? postgres : sqlite;
}

/** The statements of the per-hook rate limit that differ by dialect (see delivery/rate-limit.ts). */
export type BucketSql = {
	/** The database's clock, in ms since 1970, as an SQL expression: one clock for every sender. */
	clockMs: string;
	/** Create a hook's bucket (full) unless it exists: binds :hookId and :burst. */
	createBucket: string;
	/** Read a hook's bucket, locking it until the transaction ends: binds :hookId. */
	readBucket: string;
	/** A transaction that takes the write lock at once (SQLite); the default elsewhere. */
	transactionType: Transaction.TYPES | undefined;
};

const bucketColumns = 'SELECT tokens, refilled_ms, {clock} AS now_ms FROM http_hook_rate_buckets WHERE hook_id = :hookId';
const createBucket = 'INSERT INTO http_hook_rate_buckets (hook_id, tokens, refilled_ms) VALUES (:hookId, :burst, {clock}) ON CONFLICT (hook_id) DO NOTHING';

function bucketSqlWith(clockMs: string, lock: string, transactionType: Transaction.TYPES | undefined): BucketSql {
	return {
		clockMs,
		createBucket: createBucket.replace('{clock}', clockMs),
		readBucket: `${bucketColumns.replace('{clock}', clockMs)}${lock}`,
		transactionType,
	};
}

// PostgreSQL: clock_timestamp(), not now() (the transaction's start, before the lock wait); a row
// lock keeps other senders' claims of the hook waiting. SQLite: the IMMEDIATE transaction holds
// the file's write lock, which keeps every other writer waiting.
const postgresBuckets = bucketSqlWith('(EXTRACT(EPOCH FROM clock_timestamp()) * 1000)', ' FOR UPDATE', undefined);
const sqliteBuckets = bucketSqlWith('((julianday(\'now\') - 2440587.5) * 86400000.0)', '', Transaction.TYPES.IMMEDIATE);

export function bucketSql(sequelize: Sequelize): BucketSql {
	return sequelize.getDialect() === 'postgres' ? postgresBuckets : sqliteBuckets;
}
