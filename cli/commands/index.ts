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
	{name: 'list-callbacks', summary: 'List callbacks, newest first, by status, hook or text', load: async () => (await import('./list-callbacks.js')).listCallbacksCommand},
	{name: 'stats', summary: 'Per hook: callbacks by status, delivery lag, success rate and latency', load: async () => (await import('./stats.js')).statsCommand},
	{name: 'preview', summary: 'Show the request a hook would send for one record now; --send sends it once', load: async () => (await import('./preview.js')).previewCommand},
];
