import {closestName} from './closest-name.js';
import type {Command} from './command.js';

/** `dryRun` → `dry-run`: a flag as typed. */
export function kebabCase(name: string): string {
	return name.replaceAll(/[A-Z]/g, letter => `-${letter.toLowerCase()}`);
}

/** `--hook-id N`, `--json`: a flag as help shows it. */
export function flagSynopsis(name: string, placeholder: string | undefined): string {
	return `--${kebabCase(name)}${placeholder === undefined ? '' : ` ${placeholder}`}`;
}

const negativeNumber = /^-(?:\d+|\d*\.\d+)(?:e[+-]?\d+)?$/i;

/**
 * The first flag in `args` (before a `--`) that `command` does not take, as typed, with the flag
 * it most likely meant; undefined when every flag is known. Flags are recognised the way the
 * parser does: `--name`, `--name=value`, `--no-name`, `-x`; a negative number is a value.
 */
export function unknownFlag(args: string[], command: Pick<Command, 'flags'>): {typed: string; suggestion?: string} | undefined {
	const names = [...Object.keys(command.flags).map(name => kebabCase(name)), 'help'];
	const short = new Set(['h', ...Object.values(command.flags).flatMap(flag => flag.shortFlag ?? [])]);
	for (const argument of args) {
		if (argument === '--') {
			return undefined;
		}

		if (!argument.startsWith('-') || argument === '-' || negativeNumber.test(argument)) {
			continue;
		}

		const typed = argument.split('=', 1)[0]!;
		const name = typed.replace(/^--?/, '');
		const known = typed.startsWith('--')
			? names.includes(name) || (name.startsWith('no-') && names.includes(name.slice(3)))
			: [...name].every(letter => short.has(letter));
		if (!known) {
			const closest = closestName(name, names);
			return {typed, suggestion: closest && `--${closest}`};
		}
	}

	return undefined;
}
