import {Box, Text} from 'ink';
import {bindingsFor, contextTitles, displayKeys, keymap, type Context} from '../keymap.js';

export type HelpLine = {text: string; bold?: boolean};

/** The help of a set of contexts, grouped by context, from the keymap. */
export function helpLines(contexts: readonly Context[]): HelpLine[] {
	const width = Math.max(...keymap.map(binding => displayKeys(binding).length));
	const lines: HelpLine[] = [];
	for (const context of contexts) {
		const bindings = bindingsFor([context]);
		if (bindings.length === 0) {
			continue;
		}

		lines.push({text: contextTitles[context], bold: true});
		for (const binding of bindings) {
			lines.push({text: `  ${displayKeys(binding).padEnd(width)}  ${binding.description}`});
		}

		lines.push({text: ''});
	}

	return lines;
}

export function HelpOverlay({contexts, height, offset}: {contexts: readonly Context[]; height: number; offset: number}) {
	const lines = helpLines(contexts);
	const shown = lines.slice(offset, offset + height - 1);
	const more = lines.length > offset + height - 1;
	return (
		<Box flexDirection="column" height={height} overflow="hidden">
			<Text bold inverse wrap="truncate-end">{` Keys${more ? ' (↓ for more)' : ''} `}</Text>
			{shown.map((line, index) => (
				<Text key={index} bold={line.bold} wrap="truncate-end">{line.text === '' ? ' ' : line.text}</Text>
			))}
		</Box>
	);
}
