import type {Command} from '../command.js';
import {migrateCommand} from './migrate.js';
import {sendCallbacksCommand} from './send-callbacks.js';
import {monitorCallbacksCommand} from './monitor-callbacks.js';
import {deleteOldCallbacksCommand} from './delete-old-callbacks.js';
import {listHooksCommand} from './list-hooks.js';
import {listCallbacksCommand} from './list-callbacks.js';
import {statsCommand} from './stats.js';
import {resendCommand} from './resend.js';
import {cancelCommand} from './cancel.js';

/** Every subcommand of `hooks`, in the order help lists them. Add a command here to ship it. */
export const commands: Command[] = [
	migrateCommand,
	sendCallbacksCommand,
	monitorCallbacksCommand,
	deleteOldCallbacksCommand,
	resendCommand,
	cancelCommand,
	listHooksCommand,
	listCallbacksCommand,
	statsCommand,
];
