import {writeFileSync} from 'node:fs';
import {exportHooks} from '../../source/hooks/hook-document.js';
import {exitCodes, UsageError, type Command} from '../command.js';
import {databaseFlag, openHttpHooks} from '../database.js';
import {safeJson} from '../safe-text.js';

export const exportHooksCommand: Command = {
	name: 'export-hooks',
	summary: 'Write the hooks and custom signals as a JSON document (for version control, import-hooks)',
	usage: 'export-hooks [--output FILE] [--include-secrets]',
	help: [
		'Writes every hook (all its fields, by name; ids are not part of it) and every custom signal',
		'as one JSON document, on stdout or into --output FILE. import-hooks reads it back, on this',
		'database or another.',
		'Signing secrets are left out unless --include-secrets: each hook says "signed": true or false',
		'instead, and importing such a document leaves the secrets of existing hooks as they are (a',
		'new hook is created unsigned, and import-hooks says so). With --include-secrets, the file is',
		'created readable by its owner only. Header values are exported as stored: a header that',
		'carries a credential (Authorization, api-key) is in the document.',
		'',
		'Exit codes: 0 written, 2 usage (--output cannot be written), 3 database unavailable.',
	].join('\n'),
	examples: ['hooks export-hooks > hooks.json', 'hooks export-hooks --output hooks.json', 'hooks export-hooks --include-secrets --output /secure/hooks.json'],
	flags: {
		...databaseFlag,
		output: {type: 'string', description: 'Write the document into this file instead of stdout'},
		includeSecrets: {type: 'boolean', default: false, description: 'Include the signing secrets (secret, previousSecret, previousSecretExpiresAt)'},
	},
	async run(_input, flags, io) {
		const output = flags['output'] as string | undefined;
		if (output !== undefined && output.trim() === '') {
			throw new UsageError('--output needs a file name');
		}

		const includeSecrets = Boolean(flags['includeSecrets']);
		const {httpHooks, sequelize} = await openHttpHooks(flags['databaseUrl'] as string | undefined);
		let text: string;
		let count: number;
		try {
			const document = exportHooks(await httpHooks.listHooks(), await httpHooks.listSignals(), {includeSecrets});
			text = `${safeJson(document, 2)}\n`;
			count = document.hooks.length;
		} finally {
			await sequelize.close();
		}

		if (output === undefined) {
			io.stdout.write(text);
			return exitCodes.ok;
		}

		try {
			writeFileSync(output, text, {mode: includeSecrets ? 0o600 : 0o644});
		} catch (error) {
			throw new UsageError(`Cannot write --output ${JSON.stringify(output)}: ${(error as Error).message}`);
		}

		io.stderr.write(`Wrote ${count} hook${count === 1 ? '' : 's'} to ${output}\n`);
		return exitCodes.ok;
	},
};
