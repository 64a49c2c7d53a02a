import {Box, Text} from 'ink';
import type {DetailLine} from '../detail-lines.js';

/** `height` lines of a longer text, from `offset`; long lines are cut, never wrapped. */
export function ScrollView({lines, offset, height}: {lines: DetailLine[]; offset: number; height: number}) {
	const shown = lines.slice(offset, offset + height);
	return (
		<Box flexDirection="column" height={height} overflow="hidden">
			{shown.map((line, index) => (
				<Text key={offset + index} wrap="truncate-end" color={line.color} bold={line.bold} dimColor={line.dim}>{line.text === '' ? ' ' : line.text}</Text>
			))}
		</Box>
	);
}
