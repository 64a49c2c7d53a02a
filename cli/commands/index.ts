import type {CommandEntry} from '../command.js';

/**
 * Every subcommand of `hooks`, in the order help lists them. Add a command here to ship it. A
 * command's module is loaded only to run it or show its help, so `hooks --help` loads none.
 */
export const commands: CommandEntry[] = [
	{name: 'migrate', summary: 'Create or update the library\'s tables (idempotent)', load: async () => (await import('./migrate.js')).migrateCommand},
	{name: 'send-callbacks', summary: 'Send due callbacks: concurrent, retried, signed; --watch keeps running', load: async () => (await import('./send-callbacks.js')).sendCallbacksCommand},
	{name: 'monitor-callbacks', summary: 'Count error, waiting or cancelled callbacks against limits; a monitoring-plugin check', load: async () => (await import('./monitor-callbacks.js')).monitorCallbacksCommand},
	{name: 'delete-old-callbacks', summary: 'Delete sent, error and cancelled callbacks (and their attempts) created more than DAYS days ago', load: async () => (await import('./delete-old-callbacks.js')).deleteOldCallbacksCommand},
	{name: 'resend', summary: 'Put failed (or chosen) callbacks back in the queue, due now: recover after an outage', load: async () => (await import('./resend.js')).resendCommand},
	{name: 'cancel', summary: 'Cancel waiting (and sending) callbacks: a final status, never sent', load: async () => (await import('./cancel.js')).cancelCommand},
	{name: 'list-hooks', summary: 'List the hooks with their waiting and error callbacks', load: async () => (await import('./list-hooks.js')).listHooksCommand},
	{name: 'create-hook', summary: 'Create a hook from flags (every field of a hook has one)', load: async () => (await import('./create-hook.js')).createHookCommand},
	{name: 'update-hook', summary: 'Change fields of a hook: only the flags given are changed', load: async () => (await import('./update-hook.js')).updateHookCommand},
	{name: 'enable', summary: 'Enable a hook (one the sender disabled resumes its waiting callbacks)', load: async () => (await import('./enable.js')).enableCommand},
	{name: 'disable', summary: 'Disable a hook: changes write no callbacks, waiting ones are held', load: async () => (await import('./disable.js')).disableCommand},
	{name: 'delete-hook', summary: 'Delete a hook (its callbacks stay, without a hook)', load: async () => (await import('./delete-hook.js')).deleteHookCommand},
	{name: 'delete-signal', summary: 'Delete a custom signal (refused while a hook uses it)', load: async () => (await import('./delete-signal.js')).deleteSignalCommand},
	{name: 'export-hooks', summary: 'Write the hooks and custom signals as a JSON document (for version control, import-hooks)', load: async () => (await import('./export-hooks.js')).exportHooksCommand},
	{name: 'import-hooks', summary: 'Create or update hooks (matched by name) and custom signals from a JSON document', load: async () => (await import('./import-hooks.js')).importHooksCommand},
	{name: 'list-callbacks', summary: 'List callbacks, newest first, by status, hook or text', load: async () => (await import('./list-callbacks.js')).listCallbacksCommand},
	{name: 'stats', summary: 'Per hook: callbacks by status, delivery lag, success rate and latency', load: async () => (await import('./stats.js')).statsCommand},
	{name: 'preview', summary: 'Show the request a hook would send for one record now; --send sends it once', load: async () => (await import('./preview.js')).previewCommand},
];
