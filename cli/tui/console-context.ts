import {createContext, useContext} from 'react';
import type {ConsoleSource} from './console-source.js';
import type {Theme, Tone} from './theme.js';

/** What every screen may use: the data, the colours, and the app's message line and confirmations. */
export type ConsoleServices = {
	source: ConsoleSource;
	theme: Theme;
	notify(text: string, tone?: Tone): void;
	/** Ask a yes/no question on the message line; `run` on yes. */
	confirm(question: string, run: () => Promise<void> | void): void;
};

export const ConsoleContext = createContext<ConsoleServices | undefined>(undefined);

export function useConsole(): ConsoleServices {
	const services = useContext(ConsoleContext);
	if (!services) {
		throw new Error('useConsole() outside <ConsoleContext.Provider>');
	}

	return services;
}
