import {Text} from 'ink';
import {safeText} from '../../safe-text.js';
import {useConsole} from '../console-context.js';

/** A one-line text prompt (search, a new signal's name) with its error beside it. */
export function PromptLine({label, value, error}: {label: string; value: string; error?: string}) {
	const {theme} = useConsole();
	return (
		<Text wrap="truncate-end">
			<Text bold>{` ${label}: `}</Text>
			{safeText(value)}
			<Text inverse> </Text>
			{error ? <Text color={theme.tone('error')}>{`  ✗ ${safeText(error)}`}</Text> : null}
		</Text>
	);
}
