import {Box, Text} from 'ink';
import {safeText} from '../../safe-text.js';
import {useConsole} from '../console-context.js';

export type Tab = {key: string; title: string; active: boolean};

/** The top line: the program, the screens with their keys, the database. */
export function TabBar({tabs, location, width}: {tabs: Tab[]; location: string; width: number}) {
	const {theme} = useConsole();
	const used = 11 + tabs.reduce((sum, tab) => sum + tab.key.length + tab.title.length + 4, 0);
	return (
		<Box width={width} height={1} overflow="hidden">
			<Text bold color={theme.accent}> hooks-tui </Text>
			{tabs.map(tab => (
				<Text key={tab.key} inverse={tab.active} bold={tab.active} dimColor={!tab.active}>{` ${tab.key} ${tab.title} `}</Text>
			))}
			<Text dimColor wrap="truncate-start">{`  ${safeText(location)}`.padStart(Math.max(0, width - used))}</Text>
		</Box>
	);
}
