import type {CallbackStatus} from '../../source/store/models.js';

/**
 * Colours of the console. Colour is never the only signal: every status is also a word. With
 * NO_COLOR set (https://no-color.org) no colour is used at all; bold, dim and inverse remain.
 */
export function colorsEnabled(environment: NodeJS.ProcessEnv = process.env): boolean {
	return (environment['NO_COLOR'] ?? '') === '';
}

const statusColors: Record<CallbackStatus, string> = {waiting: 'yellow', sending: 'cyan', sent: 'green', error: 'red', cancelled: 'magenta'};

export type Tone = 'info' | 'success' | 'error';
const toneColors: Record<Tone, string> = {info: 'cyan', success: 'green', error: 'red'};

export type Theme = {
	status(status: CallbackStatus): string | undefined;
	enabled(enabled: boolean): string | undefined;
	tone(tone: Tone): string | undefined;
	accent: string | undefined;
	border(focused: boolean): string | undefined;
};

export function createTheme(environment: NodeJS.ProcessEnv = process.env): Theme {
	const on = colorsEnabled(environment);
	const pick = (color: string) => on ? color : undefined;
	return {
		status: status => pick(statusColors[status] ?? 'white'),
		enabled: enabled => pick(enabled ? 'green' : 'gray'),
		tone: tone => pick(toneColors[tone]),
		accent: pick('cyan'),
		border: focused => pick(focused ? 'cyan' : 'gray'),
	};
}
