import type {Command} from '../command.js';
import {migrateCommand} from './migrate.js';

/** Every subcommand of `hooks`, in the order help lists them. Add a command here to ship it. */
export const commands: Command[] = [
	migrateCommand,
];
