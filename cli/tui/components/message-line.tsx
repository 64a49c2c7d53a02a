import {Text} from 'ink';
import {useConsole} from '../console-context.js';
import {safeText} from '../../safe-text.js';
import type {Tone} from '../theme.js';

export type Message = {text: string; tone: Tone};

const words: Record<Tone, string> = {info: '', success: 'ok: ', error: 'error: '};

/** The line above the footer: the last outcome (with a word, not colour alone) or a question. */
export function MessageLine({message, question}: {message?: Message; question?: string}) {
	const {theme} = useConsole();
	if (question) {
		return <Text bold wrap="truncate-end" color={theme.tone('info')}>{` ${safeText(question)}  [y/n]`}</Text>;
	}

	if (!message) {
		return <Text> </Text>;
	}

	return <Text wrap="truncate-end" color={theme.tone(message.tone)}>{` ${words[message.tone]}${safeText(message.text)}`}</Text>;
}
