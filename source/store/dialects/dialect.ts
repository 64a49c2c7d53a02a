import type {DataType, QueryInterface, Sequelize, Transaction} from 'sequelize';

/** The dialect families the library runs on; Sequelize's `mysql` and `mariadb` share one. */
export type DialectFamily = 'sqlite' | 'postgres' | 'mysql';

/** Values bound by name (`:name`) into a statement. */
export type Replacements = Record<string, unknown>;

/**
 * An UPDATE that also hands back columns of the rows it changed. `columns` must be columns the
 * update does not change (MySQL reads them just before it). With `limit`, at most that many rows,
 * picked in `order`, and rows another transaction holds are skipped rather than waited for.
 */
export type UpdateReturning = {
	table: string;
	columns: string[];
	where: string;
	set: string;
	replacements: Replacements;
	order?: string;
	limit?: number;
	transaction?: Transaction;
};

/** One finished attempt, as its row is written. */
export type AttemptRow = {
	callbackId: number; attempt: number; startedAt: Date; durationMs: number;
	statusCode: number | null; error: string | null; responseBody: string | null;
};

/** What an attempt did to its callback. */
export type OutcomeRow = {id: number; status: string; details: string | null; nextAt: Date | null};

/**
 * A statement run straight on the driver's connection (see store/direct-statement.ts): its
 * placeholders, `numbered` (`$1`, `$2`, … in order) or `positional` (`?`), and the driver's call.
 */
export type DirectDriver = {
	placeholders: 'numbered' | 'positional';
	run(connection: unknown, sql: string, values: unknown[]): Promise<void>;
};

/** Ids of the callbacks whose attempt row was inserted, and of those whose row was updated. */
export type RecordedResults = {inserted: number[]; updated: number[]};

/** The per-hook rate limit's statements (see delivery/rate-limit.ts). */
export type BucketSql = {
	/** Create a hook's bucket (full) unless it exists: binds :hookId and :burst. */
	createBucket: string;
	/** Read a hook's bucket and the database clock (now_ms), locking the bucket until the transaction ends: binds :hookId. */
	readBucket: string;
	/**
	 * The options of the claim's transaction: one that takes the write lock at once (SQLite);
	 * READ COMMITTED (MySQL), so that what the claim reads and leaves alone is not kept locked
	 * against the app's inserts; the default elsewhere.
	 */
	transaction: {type?: Transaction.TYPES; isolationLevel?: Transaction.ISOLATION_LEVELS};
};

/** Column types and DDL of the library's migrations. */
export type SchemaSql = {
	/** Ids of callbacks and attempts, which grow fast. */
	bigId: DataType;
	/** Times: sub-millisecond order and durations need milliseconds at least. */
	date: DataType;
	/** Text of any length a hook or an attempt holds (headers, templates, response bodies). */
	text: DataType;
	/** Payloads: as large as the other dialects store. */
	longText: DataType;
	/** Options of every createTable (MySQL: engine, character set). */
	tableOptions: Record<string, unknown>;
	/** Text columns may have a default value (MySQL 8 refuses one). */
	textDefaults: boolean;
	/** Statements that move http_hooks_state.version on every change of these tables. */
	versionTriggers(tables: string[]): string[];
	/** Statements that notify waiting senders of new callbacks (PostgreSQL; none elsewhere). */
	readyTriggers: string[];
	/** Statements that move a hook's revision on every change of it or of its signal links. */
	revisionTriggers: string[];
	/** The index of unfinished callbacks by hook and ordering key (partial where the database can). */
	orderingIndex: string;
	/**
	 * The claim of abandoned callbacks walks an index of (status, lease_until) (MySQL: a locking
	 * read locks every row it reads, and without it that claim read and locked every callback
	 * being sent). PostgreSQL locks only the rows a claim returns, SQLite the file: they need none.
	 */
	leaseIndex: boolean;
	/**
	 * Callbacks are counted by status and hook (console, metrics) from an index of (status,
	 * hook_id) alone (MySQL: through the (status, id) index it read every matching row for its
	 * hook_id, seconds for 20,000 waiting or failed callbacks on a cold cache).
	 */
	statusHookIndex: boolean;
	/** Statements that let object_id hold keys longer than 255 characters. */
	longObjectIds: string[];
	/** Undo longObjectIds (longer keys are cut). */
	shortObjectIds: string[];
	/** Drop a column of http_hooks without losing the table's triggers. */
	dropHookColumn(queryInterface: QueryInterface, column: string): Promise<void>;
	/** Undo the triggers and functions of version (after its tables are dropped), ready and revision triggers. */
	dropTriggers: {version: string[]; ready: string[]; revision: string[]};
};

/**
 * Everything the library's SQL needs to know of a dialect, in one place: one module per dialect
 * implements it (sqlite.ts, postgres.ts, mysql.ts), and index.ts picks one for a Sequelize
 * instance. A new dialect is one new module.
 */
export type SqlDialect = {
	family: DialectFamily;
	/**
	 * A failed statement aborts the whole transaction (PostgreSQL), so a statement of the library
	 * inside the app's transaction runs under a savepoint. SQLite and MySQL roll back only the
	 * failed statement.
	 */
	failedStatementAbortsTransaction: boolean;
	/** One database file and its one write lock (SQLite): a process's writes take turns. */
	writesTakeTurns: boolean;
	/** LISTEN/NOTIFY wakes senders and reloads hooks at once (PostgreSQL); elsewhere polling alone. */
	notifications: boolean;
	/** A time as a date column wants it bound as a parameter (`$1`). */
	time(date: Date): string;
	/** Why a text cannot be stored exactly in a text column, if it cannot. */
	unstorable(text: string): string | undefined;
	/** How the capture runs its statements on the driver, bypassing Sequelize's query layer. */
	direct: DirectDriver;
	/** Rows per multi-row INSERT of callbacks. */
	rowsPerInsert: number;
	/** Bound bytes per multi-row INSERT at most (a server's packet limit), or none. */
	bytesPerInsert: number | undefined;
	/**
	 * Run `work` (one transaction or one statement) again when the database gave it up for a
	 * deadlock or a lock wait timeout: such a failure changed nothing and is not final.
	 */
	retryingLockConflicts<T>(work: () => Promise<T>): Promise<T>;
	/** See UpdateReturning. */
	updateReturning<T extends object>(sequelize: Sequelize, update: UpdateReturning): Promise<T[]>;
	/**
	 * Insert the attempts not on record yet (known by callback, number and start time) and apply
	 * the outcomes to the callbacks `worker` still holds, all of it or none.
	 */
	recordResults(sequelize: Sequelize, worker: string, attempts: AttemptRow[], outcomes: OutcomeRow[], now: Date): Promise<RecordedResults>;
	/**
	 * Delete at most :batchSize rows of http_callbacks matching `where` (which binds the
	 * replacements), oldest `created_at` first; `where` is checked again on the rows deleted.
	 * Returns how many went, and whether a whole batch was found (there may be more).
	 */
	deleteBatch(sequelize: Sequelize, where: string, replacements: Replacements & {batchSize: number}): Promise<{deleted: number; full: boolean}>;
	bucket: BucketSql;
	/** Add :failures to a hook's run of failures (reset first when :reset is 1), creating its row: binds :hookId, :failures, :now, :reset. */
	addFailures: string;
	/** Record a migration's name unless recorded (binds one `?`). */
	recordMigration(table: string): string;
	/**
	 * Run `work` holding the database's migration lock, in one transaction where the dialect can
	 * (MySQL commits DDL at once: there, the lock alone keeps migrators apart).
	 */
	withMigrationLock<T>(sequelize: Sequelize, work: (transaction: Transaction) => Promise<T>): Promise<T>;
	/** Hold a lock on `name` until `transaction` ends: writers of the same name take turns (store/name-lock.ts). */
	lockName(sequelize: Sequelize, name: string, transaction: Transaction): Promise<void>;
	/** `column` contains the bound pattern `parameter`, case-insensitively; the pattern escapes with `likeEscape`. */
	containsText(column: string, parameter: string): string;
	likeEscape: string;
	/** SQL text joined: NULL when any part is NULL, on every dialect. */
	concat(...parts: string[]): string;
	/** Integer division of two integer expressions, rounded down (for non-negative values). */
	integerDivision(dividend: string, divisor: string): string;
	schema: SchemaSql;
};
