import {readFileSync} from 'node:fs';
import process from 'node:process';
import {text as readStream} from 'node:stream/consumers';
import {applyImport, parseHookDocument, planImport} from '../../source/hooks/hook-document.js';
import {exitCodes, UsageError, type Command} from '../command.js';
import {databaseFlag, openHttpHooks} from '../database.js';
import {asUsage, asUsageAsync} from '../hook-flags.js';
import {importDiff, importJson, importSummary} from '../format-import.js';
import {safeJson} from '../safe-text.js';

// A hooks document is small; a larger input is a mistake (the wrong file), refused before parsing.
const maxDocumentBytes = 16 * 1024 * 1024;

async function readDocument(file: string): Promise<string> {
	if (file === '-') {
		return readStream(process.stdin);
	}

	try {
		const bytes = readFileSync(file);
		if (bytes.length > maxDocumentBytes) {
			throw new UsageError(`${JSON.stringify(file)} is ${bytes.length} bytes; a hooks document is at most ${maxDocumentBytes}`);
		}

		return bytes.toString('utf8');
	} catch (error) {
		throw error instanceof UsageError ? error : new UsageError(`Cannot read ${JSON.stringify(file)}: ${(error as Error).message}`);
	}
}

export const importHooksCommand: Command = {
	name: 'import-hooks',
	summary: 'Create or update hooks (matched by name) and custom signals from a JSON document',
	usage: 'import-hooks FILE [--dry-run] [--json]',
	help: [
		'Reads a document as export-hooks writes it (FILE, or - for stdin), shows what it changes and',
		'applies it: custom signals it lists are created, each hook is matched by name and created',
		'or updated to what the document says, as ensureHook does. Fields a hook entry leaves out',
		'take their defaults, except enabled and the secrets, which stay as they are. Hooks of the',
		'database that the document does not name are left alone.',
		'Every hook is validated before anything is written: one bad hook and nothing changes.',
		'',
		'The diff: "+" created, "~" updated (each field: old → new; secrets only "changed"), "="',
		'unchanged. --dry-run shows it and changes nothing. --json prints it as JSON.',
		'',
		'Exit codes: 0 imported (or nothing to do), 2 usage (an unreadable file, bad JSON, an unknown',
		'field, a value the hook validation refuses: the message names it), 3 database unavailable.',
	].join('\n'),
	examples: ['hooks import-hooks hooks.json --dry-run', 'hooks import-hooks hooks.json', 'hooks export-hooks --database-url "$STAGING" | hooks import-hooks - --database-url "$PRODUCTION"'],
	flags: {
		...databaseFlag,
		dryRun: {type: 'boolean', default: false, description: 'Show what would change; change nothing'},
		json: {type: 'boolean', default: false, description: 'Print the changes as JSON'},
	},
	takesArguments: true,
	async run(input, flags, io) {
		if (input.length !== 1) {
			throw new UsageError(input.length === 0 ? 'Give the document to import: hooks import-hooks FILE (- for stdin)' : `One document at a time: got ${input.length} arguments`);
		}

		const file = input[0]!;
		const text = await readDocument(file);
		const document = asUsage(() => parseHookDocument(text, file === '-' ? 'stdin' : JSON.stringify(file)));
		const dryRun = Boolean(flags['dryRun']);
		const {httpHooks, sequelize} = await openHttpHooks(flags['databaseUrl'] as string | undefined);
		try {
			let plan = await asUsageAsync(async () => planImport(httpHooks, document));
			if (!flags['json']) {
				io.stdout.write(`${importDiff(plan)}\n`);
			}

			if (!dryRun) {
				plan = await asUsageAsync(async () => applyImport(httpHooks, document, plan));
			}

			io.stdout.write(flags['json'] ? `${safeJson(importJson(plan, dryRun), 2)}\n` : `${importSummary(plan, dryRun)}\n`);
			return exitCodes.ok;
		} finally {
			await sequelize.close();
		}
	},
};
