import {contextTitles, displayKey, keymap, type Context} from './keymap.js';

/** The keymap as a Markdown table, for docs/console.md (a test keeps that copy current). */
export function keyTableMarkdown(): string {
	const rows = ['| where | keys | what |', '| --- | --- | --- |'];
	const contexts = [...new Set(keymap.map(binding => binding.context))] as Context[];
	for (const context of contexts) {
		for (const binding of keymap.filter(candidate => candidate.context === context)) {
			const keys = binding.keys.map(key => `\`${displayKey(key).replaceAll('|', '\\|')}\``).join(' ');
			rows.push(`| ${contextTitles[context]} | ${keys} | ${binding.description} |`);
		}
	}

	return rows.join('\n');
}
