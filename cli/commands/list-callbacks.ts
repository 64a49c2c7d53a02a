import {HttpHooksError} from '../../source/errors.js';
import type {CallbackFilter} from '../../source/operations/browse-callbacks.js';
import {callbackStatuses, checkStatus} from '../../source/operations/callback-statuses.js';
import {maskCallbackFields} from '../../source/operations/mask-credentials.js';
import {ranges} from '../../source/numbers.js';
import {exitCodes, UsageError, type Command} from '../command.js';
import {checkHookFlag, databaseFlag, openHttpHooks} from '../database.js';
import {optionalIntegerFlag, rangeText} from '../flag-values.js';
import {formatTable, formatTime} from '../format-table.js';
import {safeJson} from '../safe-text.js';
import {briefDetails} from '../brief-details.js';

type Query = {filter: CallbackFilter; limit: number; beforeId?: number};

/** Read and check the flags first: a bad value is a usage error, before any connection. */
function queryFrom(flags: Record<string, unknown>): Query {
	try {
		return {
			filter: {
				status: checkStatus(flags['status'] as string | undefined),
				hookId: optionalIntegerFlag('--hook-id', flags['hookId'], ranges.id),
				search: flags['search'] as string | undefined,
			},
			limit: optionalIntegerFlag('--limit', flags['limit'], ranges.pageLimit) ?? 50,
			beforeId: optionalIntegerFlag('--before-id', flags['beforeId'], ranges.id),
		};
	} catch (error) {
		throw error instanceof HttpHooksError ? new UsageError(error.message) : error;
	}
}

export const listCallbacksCommand: Command = {
	name: 'list-callbacks',
	usage: 'list-callbacks [--status S] [--hook-id N] [--search TEXT] [--limit N] [--before-id ID] [--json] [--show-secrets]',
	help: [
		`Lists callbacks newest first (payloads left out). --status is one of ${callbackStatuses.join(', ')}.`,
		'--search finds text in the hook name, the target URL or the status details.',
		'Pages go by id: when more rows match, the last line (JSON: "nextBeforeId") gives the',
		'--before-id of the next page, so every page costs the same on a table of millions.',
		'Credentials in URLs (token=, api_key=, …, also inside status details) and in credential-like',
		'header values are masked (••••); --show-secrets prints them as stored.',
	].join('\n'),
	examples: [
		'hooks list-callbacks --status error',
		'hooks list-callbacks --hook-id 3 --limit 20',
		'hooks list-callbacks --status waiting --json | jq \'.callbacks[].id\'',
	],
	flags: {
		...databaseFlag,
		status: {type: 'string', placeholder: 'STATUS', description: `Only callbacks with this status: ${callbackStatuses.join(', ')}`},
		hookId: {type: 'string', placeholder: 'N', description: 'Only callbacks of this hook (it must exist)'},
		search: {type: 'string', placeholder: 'TEXT', description: 'Only callbacks whose hook name, URL or status details contain this text'},
		limit: {type: 'string', placeholder: 'N', description: `How many callbacks to list, ${rangeText(ranges.pageLimit)} (default 50)`},
		beforeId: {type: 'string', placeholder: 'ID', description: 'Only callbacks with a smaller id (the next page)'},
		json: {type: 'boolean', default: false, description: 'Print {callbacks, nextBeforeId} as JSON'},
		showSecrets: {type: 'boolean', default: false, description: 'Print URL tokens and header credentials as stored'},
	},
	async run(_input, flags, io) {
		const {filter, limit, beforeId} = queryFrom(flags);
		const {httpHooks, sequelize} = await openHttpHooks(flags['databaseUrl'] as string | undefined);
		try {
			await checkHookFlag(httpHooks, filter.hookId);
			const {pageCallbacks} = await import('../../source/operations/browse-callbacks.js');
			const page = await pageCallbacks(httpHooks.models, filter, {limit, beforeId});
			const rows = page.rows.map(row => maskCallbackFields(row, {reveal: Boolean(flags['showSecrets'])}));
			if (flags['json']) {
				io.stdout.write(`${safeJson({callbacks: rows, nextBeforeId: page.nextBeforeId ?? null}, 2)}\n`);
				return exitCodes.ok;
			}

			if (rows.length === 0) {
				io.stdout.write('No callbacks match.\n');
				return exitCodes.ok;
			}

			io.stdout.write(`${formatTable([
				{header: 'ID', align: 'right'},
				{header: 'HOOK', maxWidth: 24},
				{header: 'EVENT', maxWidth: 20},
				{header: 'OBJECT', maxWidth: 24},
				{header: 'STATUS'},
				{header: 'ATTEMPTS', align: 'right'},
				{header: 'NEXT ATTEMPT'},
				{header: 'UPDATED'},
				{header: 'DETAILS', maxWidth: 40},
			], rows.map(row => [
				String(row.id), row.hookName, row.eventType, [row.model, row.objectId].filter(Boolean).join(' #'),
				row.status, String(row.attempts), row.status === 'waiting' ? formatTime(row.nextAttemptAt) : '',
				formatTime(row.updatedAt), briefDetails(row.statusDetails ?? ''),
			]))}\n`);
			if (page.nextBeforeId !== undefined) {
				io.stdout.write(`More callbacks match: add --before-id ${page.nextBeforeId} for the next page.\n`);
			}

			return exitCodes.ok;
		} finally {
			await sequelize.close();
		}
	},
};
