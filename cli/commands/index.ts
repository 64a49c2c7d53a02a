import type {Command} from '../command.js';
import {migrateCommand} from './migrate.js';
import {sendCallbacksCommand} from './send-callbacks.js';
import {monitorCallbacksCommand} from './monitor-callbacks.js';
import {deleteOldCallbacksCommand} from './delete-old-callbacks.js';
import {listHooksCommand} from './list-hooks.js';
import {listCallbacksCommand} from './list-callbacks.js';
import {statsCommand} from './stats.js';
import {previewCommand} from './preview.js';
import {resendCommand} from './resend.js';
import {cancelCommand} from './cancel.js';
import {createHookCommand} from './create-hook.js';
import {updateHookCommand} from './update-hook.js';
import {disableCommand, enableCommand} from './enable-hook.js';
import {deleteHookCommand} from './delete-hook.js';
import {deleteSignalCommand} from './delete-signal.js';
import {exportHooksCommand} from './export-hooks.js';
import {importHooksCommand} from './import-hooks.js';

/** Every subcommand of `hooks`, in the order help lists them. Add a command here to ship it. */
export const commands: Command[] = [
	migrateCommand,
	sendCallbacksCommand,
	monitorCallbacksCommand,
	deleteOldCallbacksCommand,
	resendCommand,
	cancelCommand,
	listHooksCommand,
	createHookCommand,
	updateHookCommand,
	enableCommand,
	disableCommand,
	deleteHookCommand,
	deleteSignalCommand,
	exportHooksCommand,
	importHooksCommand,
	listCallbacksCommand,
	statsCommand,
	previewCommand,
];
