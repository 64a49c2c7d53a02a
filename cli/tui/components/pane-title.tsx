import {Text} from 'ink';
import {safeText} from '../../safe-text.js';
import {useConsole} from '../console-context.js';

/** A pane's title rule: heavy and marked when the pane has the keys, thin and dim when not. */
export function PaneTitle({title, focused, width, right = ''}: {title: string; focused: boolean; width: number; right?: string}) {
	const {theme} = useConsole();
	const rule = focused ? '━' : '─';
	const head = `${rule}${focused ? '▶' : rule} ${safeText(title)} `;
	const tail = right ? ` ${right} ${rule}` : '';
	const fill = Math.max(0, width - head.length - tail.length);
	return (
		<Text wrap="truncate-end" bold={focused} dimColor={!focused} color={theme.border(focused)}>
			{head + rule.repeat(fill) + tail}
		</Text>
	);
}
