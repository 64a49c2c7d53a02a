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
	/** What help shows after a flag that takes a value: `--hook-id N`. */
	placeholder?: string;
	default?: string | boolean | number;
	isMultiple?: boolean;
	shortFlag?: string;
};

/** One subcommand of `hooks`: its help text, flags, and what it does (its summary: commands/index.ts). */
export type Command = {
	name: string;
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

/**
 * A command as `hooks --help` lists it. Its module (and what that imports) is loaded only when
 * the command runs or shows its own help: listing the commands loads no database code.
 */
export type CommandEntry = {
	name: string;
	/** One line for `hooks --help`. */
	summary: string;
	load(): Promise<Command>;
};

/** A usage mistake: printed to stderr as is, exit 2. */
export class UsageError extends Error {}
