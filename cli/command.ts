/** Exit codes of the `hooks` program, the same for every command. */
export const exitCodes = {
	ok: 0,
	/** The command's own "not good" outcome: callbacks reached `error`, a monitor limit passed. */
	failure: 1,
	/** Bad usage: an unknown flag, a missing or bad argument. */
	usage: 2,
	/** The database cannot be reached or checked. */
	unavailable: 3,
} as const;

export type Io = {
	stdout: NodeJS.WriteStream;
	stderr: NodeJS.WriteStream;
	/** True when stdout is a terminal: show progress; else stay quiet but for the result. */
	interactive: boolean;
	/** Resolves when the user asks to stop (SIGINT or SIGTERM). */
	stopSignal: AbortSignal;
};

/** A flag as meow takes it, plus the line help shows for it. */
export type FlagSpec = {
	type: 'string' | 'boolean' | 'number';
	description: string;
	default?: string | boolean | number;
	isMultiple?: boolean;
	shortFlag?: string;
};

/** One subcommand of `hooks`: its help text, flags, and what it does. */
export type Command = {
	name: string;
	summary: string;
	/** The usage line after `hooks `, e.g. `delete-old-callbacks DAYS [--dry-run]`. */
	usage: string;
	/** Help body: what the flags mean, exit codes. */
	help: string;
	examples: string[];
	flags: Record<string, FlagSpec>;
	/** True when the command reads positional arguments; for any other, one is a usage error. */
	takesArguments?: boolean;
	run(input: string[], flags: Record<string, unknown>, io: Io): Promise<number>;
};

/** A usage mistake: printed to stderr as is, exit 2. */
export class UsageError extends Error {}
