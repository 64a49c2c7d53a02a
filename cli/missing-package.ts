/**
 * The packages the programs load but do not install themselves: Sequelize and the database
 * drivers are the app's (peer dependencies), Ink and React only the console needs.
 */
const installs: Record<string, {what: string; command: string}> = {
	sequelize: {what: 'Sequelize, a peer dependency of sequelize-http-hooks', command: 'npm install sequelize'},
	pg: {what: 'the PostgreSQL driver', command: 'npm install pg'},
	sqlite3: {what: 'the SQLite driver', command: 'npm install sqlite3'},
	mysql2: {what: 'the MySQL driver', command: 'npm install mysql2'},
	mariadb: {what: 'the MariaDB driver', command: 'npm install mariadb'},
	ink: {what: 'needed by the console hooks-tui', command: 'npm install ink@~6.8.0 react@~19.2.0'},
	react: {what: 'needed by the console hooks-tui', command: 'npm install ink@~6.8.0 react@~19.2.0'},
};

// Node's words for a package an `import` cannot find, and Sequelize's for a driver `require` cannot.
const notFound = [/^Cannot find package '((?:@[^/'\s]+\/)?[^/'\s]+)[^']*'/, /^Please install (\S+) package manually/];

/**
 * One line naming the package that could not be loaded and how to install it, when `error` says
 * a package is missing; undefined for any other error (a missing file of our own included).
 */
export function missingPackage(error: unknown, depth = 0): string | undefined {
	const {message, cause} = (error ?? {}) as {message?: unknown; cause?: unknown};
	for (const pattern of notFound) {
		const name = typeof message === 'string' ? pattern.exec(message)?.[1] : undefined;
		if (name !== undefined) {
			const install = installs[name] ?? {what: 'a dependency of sequelize-http-hooks', command: `npm install ${name}`};
			return `The package ${name} is not installed (${install.what}): run \`${install.command}\` in the app's directory`;
		}
	}

	// The library wraps what it cannot open (a bad database URL) with the driver's error as the cause.
	return cause !== undefined && depth < 5 ? missingPackage(cause, depth + 1) : undefined;
}

/**
 * Run a program module, turning a package it cannot load into one line and exit code 3 (like
 * any database it cannot use) instead of a stack trace.
 */
export async function runProgram(load: () => Promise<unknown>): Promise<void> {
	try {
		await load();
	} catch (error) {
		const line = missingPackage(error);
		if (line === undefined) {
			throw error;
		}

		process.stderr.write(`${line}\n`);
		process.exitCode = 3;
	}
}
