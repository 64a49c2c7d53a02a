import {parseAllowedNetworks} from '../../source/delivery/network-guard.js';
import type {DeliveryOptions} from '../../source/delivery/delivery-settings.js';
import {InvalidNumberError, ranges} from '../../source/numbers.js';
import type {HookPreview} from '../../source/operations/preview-hook.js';
import {exitCodes, UsageError, type Command} from '../command.js';
import {databaseFlag, openHttpHooks} from '../database.js';
import {integerFlag, optionalIntegerFlag, rangeText} from '../flag-values.js';
import {safeJson, safeText} from '../safe-text.js';

const timeoutRange = {min: 1, max: Math.floor(ranges.timeoutMs.max / 1000)};

function deliveryFrom(flags: Record<string, unknown>): DeliveryOptions {
	const delivery: DeliveryOptions = {};
	if (flags['blockPrivateNetworks']) {
		delivery.blockPrivateNetworks = true;
	}

	const allowed = ((flags['allowNetwork'] as string[] | undefined) ?? []).flatMap(item => item.split(',')).map(item => item.trim()).filter(item => item !== '');
	if (allowed.length > 0) {
		try {
			parseAllowedNetworks(allowed);
		} catch (error) {
			throw new UsageError(`--allow-network: ${(error as Error).message}`);
		}

		delivery.allowedNetworks = allowed;
	}

	const timeout = optionalIntegerFlag('--timeout-seconds', flags['timeoutSeconds'], timeoutRange);
	if (timeout !== undefined) {
		delivery.timeoutMs = timeout * 1000;
	}

	return delivery;
}

function conditionLine(preview: HookPreview): string {
	const {expression, holds, error} = preview.condition;
	if (expression === null) {
		return 'none (every change fires)';
	}

	const verdict = error ? `FAILS: ${error} (a change now would store an error callback)` : holds ? 'holds' : 'does NOT hold (a change now would write no callback)';
	return `${expression}  →  ${verdict}`;
}

function indented(text: string): string {
	return text.split('\n').map(line => `  ${line}`).join('\n');
}

/** The preview as people read it; every text from the database or the receiver escaped. */
function printable(preview: HookPreview): string {
	const lines = [
		`Hook ${preview.hookId} ${JSON.stringify(preview.hookName)} for ${preview.model} ${JSON.stringify(preview.recordId)} (signal ${preview.signal}, event_type ${preview.eventType}; read with ${preview.readWith === 'app' ? 'the app\'s model' : 'the recorded catalog, without app code'})`,
		`Condition: ${conditionLine(preview)}`,
		`Request:   ${preview.method} ${preview.url}`,
	];
	if (preview.headers) {
		lines.push('Headers:', ...Object.entries(preview.headers).map(([name, value]) => `  ${name}: ${value}`));
	}

	if (preview.body !== null) {
		lines.push('Body:', preview.body === '' ? '  (empty)' : indented(preview.body));
	}

	if (preview.error) {
		lines.push(`Cannot build the request: ${preview.error}`);
	}

	if (preview.notes.length > 0) {
		lines.push('Not shown by this preview:', ...preview.notes.map(note => `  - ${note}`));
	}

	if (preview.response) {
		const {statusCode, durationMs, error, body} = preview.response;
		lines.push(`Sent once: ${statusCode === null ? 'no response' : `HTTP ${statusCode}`} in ${durationMs} ms${error ? ` (${error})` : ''}`);
		if (body) {
			lines.push('Response body:', indented(body));
		}
	} else if (preview.notSent) {
		lines.push(`Not sent: ${preview.notSent}`);
	} else {
		lines.push('Nothing was sent (--send sends it once).');
	}

	return safeText(lines.join('\n'), {lines: true});
}

function failed(preview: HookPreview): boolean {
	if (preview.error !== null || preview.condition.error !== null || preview.notSent !== undefined) {
		return true;
	}

	const status = preview.response?.statusCode;
	return preview.response !== undefined && (status === null || status === undefined || status < 200 || status >= 300);
}

export const previewCommand: Command = {
	name: 'preview',
	usage: 'preview --hook-id N --record ID [--signal NAME] [--send] [--json] [--show-secrets]',
	help: [
		'Builds the request hook N would send for record ID of its model as the record is now: method,',
		'URL, headers (as the sender adds them: webhook-id, User-Agent, the signature when the hook has',
		'a secret; credentials masked unless --show-secrets), body, and whether the hook\'s condition',
		'holds. Nothing is written and nothing is sent. The record is read by its primary key (bound,',
		'never put into the SQL); `changed` is empty and `previous` too, since nothing changes; a custom',
		'signal\'s arguments are empty. --signal picks which of the hook\'s signals fires (default its first).',
		'',
		'This program never loads the app\'s code: it reads the row through the table, key and',
		'attributes the app recorded (hidden attributes are never read), so it cannot load',
		'associations (instance.owner… reads as empty), apply getters or virtual attributes, or run a',
		'serializer (no body then). It says so under "Not shown by this preview"; httpHooks.previewHook()',
		'in the app shows all of it.',
		'',
		'--send sends the request once to the hook\'s URL through the sender\'s HTTP client (timeout, no',
		'redirects followed, the same signing) and prints the response; nothing is recorded. It is not',
		'sent when the condition does not hold or the request cannot be built.',
		'Exit codes: 0 the request was built (and, with --send, answered 2xx); 1 no such hook or record,',
		'the condition or the request fails, or the sent request was not answered 2xx; 2 usage; 3 database.',
	].join('\n'),
	examples: [
		'hooks preview --hook-id 3 --record 42',
		'hooks preview --hook-id 3 --record 42 --signal afterUpdate --json | jq .body',
		'hooks preview --hook-id 3 --record 42 --send --block-private-networks',
	],
	flags: {
		...databaseFlag,
		hookId: {type: 'string', placeholder: 'N', description: 'The hook to preview (required)'},
		record: {type: 'string', placeholder: 'ID', description: 'The primary key of the record of the hook\'s model (required)'},
		signal: {type: 'string', placeholder: 'NAME', description: 'Which of the hook\'s signals fires (default: its first)'},
		send: {type: 'boolean', default: false, description: 'Send the request once to the hook\'s URL and print the response'},
		json: {type: 'boolean', default: false, description: 'Print the preview as JSON'},
		showSecrets: {type: 'boolean', default: false, description: 'Print header credentials and URL tokens as they are'},
		timeoutSeconds: {type: 'string', placeholder: 'SECONDS', description: `With --send: timeout of the request, ${rangeText(timeoutRange)} s (default 15)`},
		blockPrivateNetworks: {type: 'boolean', default: false, description: 'With --send: refuse loopback, private, link-local, CGNAT and metadata addresses'},
		allowNetwork: {type: 'string', isMultiple: true, placeholder: 'CIDR', description: 'With --block-private-networks: a subnet (CIDR) that stays reachable (repeatable)'},
	},
	async run(_input, flags, io) {
		if (flags['hookId'] === undefined) {
			throw new UsageError('--hook-id is required: the hook to preview (see `hooks list-hooks`)');
		}

		const hookId = integerFlag('--hook-id', flags['hookId'], ranges.id);
		const record = flags['record'] as string | undefined;
		if (record === undefined || record.trim() === '') {
			throw new UsageError(`--record is required: the primary key of a record of the hook's model${record === undefined ? '' : `, got ${JSON.stringify(record)}`}`);
		}

		const delivery = deliveryFrom(flags);
		const {httpHooks, sequelize} = await openHttpHooks(flags['databaseUrl'] as string | undefined);
		try {
			let preview: HookPreview;
			try {
				preview = await httpHooks.previewHook(hookId, record, {
					signal: flags['signal'] as string | undefined, send: Boolean(flags['send']), showSecrets: Boolean(flags['showSecrets']), delivery,
				});
			} catch (error) {
				throw error instanceof InvalidNumberError ? new UsageError(`--record: ${error.message}`) : error;
			}

			io.stdout.write(flags['json'] ? `${safeJson(preview, 2)}\n` : `${printable(preview)}\n`);
			return failed(preview) ? exitCodes.failure : exitCodes.ok;
		} finally {
			await sequelize.close();
		}
	},
};
