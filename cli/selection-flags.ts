import {ranges} from '../source/numbers.js';
import type {CallbackSelector, SelectionRules, SelectorNames} from '../source/operations/callback-selection.js';
import type {BulkProgress} from '../source/operations/resend-callbacks.js';
import {timeSelectorHelp} from '../source/operations/time-selector.js';
import type {CallbackStatus} from '../source/store/models.js';
import {UsageError, type FlagSpec, type Io} from './command.js';
import {databaseFlag} from './database.js';
import {callbackIds} from './commands/send-callbacks.js';
import {integerFlag, optionalIntegerFlag, rangeText} from './flag-values.js';

/** The flags `hooks resend` and `hooks cancel` share: which callbacks, and how. */
export function selectionFlags(verb: string, statuses: string): Record<string, FlagSpec> {
	return {
		...databaseFlag,
		hookId: {type: 'string', placeholder: 'N', description: 'Only callbacks of this hook (it must exist)'},
		status: {type: 'string', isMultiple: true, placeholder: 'STATUS', description: `Only callbacks with this status (repeatable): ${statuses}`},
		since: {type: 'string', placeholder: 'TIME', description: `Only callbacks created at or after this: ${timeSelectorHelp}`},
		until: {type: 'string', placeholder: 'TIME', description: 'Only callbacks created before this (same forms; default: now)'},
		callback: {type: 'string', isMultiple: true, placeholder: 'ID', description: 'Only these callback ids (repeatable, or space- or comma-separated)'},
		all: {type: 'boolean', default: false, description: `Allow no other selector: ${verb} every callback of the statuses`},
		dryRun: {type: 'boolean', default: false, description: `Count what would be ${verb === 'resend' ? 'resent' : 'cancelled'}; change nothing`},
		batchSize: {type: 'string', placeholder: 'N', description: `Callbacks changed per transaction, ${rangeText(ranges.deleteBatchSize)} (default 2000)`},
		json: {type: 'boolean', default: false, description: 'Print the result as JSON'},
	};
}

const flagNames: SelectorNames = {hookId: '--hook-id', status: '--status', since: '--since', until: '--until', callbackIds: '--callback', all: '--all'};

/** The selector of the flags, checked before any connection: a bad value is a usage error naming it. */
export async function selectorFrom(input: string[], flags: Record<string, unknown>, rules: SelectionRules): Promise<CallbackSelector & {batchSize?: number; dryRun: boolean}> {
	const {checkSelection, InvalidSelectionError} = await import('../source/operations/callback-selection.js');
	const statuses = flags['status'] as string[] | undefined;
	const selector = {
		hookId: flags['hookId'] === undefined ? undefined : integerFlag('--hook-id', flags['hookId'], ranges.id),
		status: statuses && statuses.length > 0 ? statuses.flatMap(item => item.split(',')).map(item => item.trim()) as CallbackStatus[] : undefined,
		since: flags['since'] as string | undefined,
		until: flags['until'] as string | undefined,
		callbackIds: callbackIds(flags['callback'], input),
		all: Boolean(flags['all']),
	};
	try {
		checkSelection(selector, rules, new Date(), flagNames);
	} catch (error) {
		throw error instanceof InvalidSelectionError ? new UsageError(error.message) : error;
	}

	return {...selector, batchSize: optionalIntegerFlag('--batch-size', flags['batchSize'], ranges.deleteBatchSize), dryRun: Boolean(flags['dryRun'])};
}

/** `callbacks in error of hook 3 created since 2026-03-01T02:00:00.000Z` */
export function describeSelection(result: {statuses: string[]; since: Date | null; until: Date}, selector: CallbackSelector): string {
	const parts = [`${result.statuses.join(' or ')}`];
	if (selector.hookId !== undefined) {
		parts.push(`of hook ${selector.hookId}`);
	}

	if (selector.callbackIds) {
		parts.push(`among ids ${selector.callbackIds.join(', ')}`);
	}

	parts.push(result.since ? `created from ${result.since.toISOString()} to ${result.until.toISOString()}` : `created before ${result.until.toISOString()}`);
	return parts.join(' ');
}

/** One line, rewritten in place, on a terminal only. */
export function progressLine(io: Io, doing: string): ((progress: BulkProgress) => void) | undefined {
	if (!io.interactive) {
		return undefined;
	}

	return ({done, total}) => {
		const percent = total > 0 ? Math.floor((done / total) * 100) : 100;
		io.stdout.write(`\r\u001B[K${doing}: ${done} of ${total} (${percent}%)  Ctrl-C stops after this batch`);
	};
}
