import {Box, useApp} from 'ink';
import {useCallback, useEffect, useMemo, useState} from 'react';
import {Footer} from './components/footer.js';
import {HelpOverlay, helpLines} from './components/help-overlay.js';
import {MessageLine} from './components/message-line.js';
import {TabBar} from './components/tab-bar.js';
import {ConsoleContext, type ConsoleServices} from './console-context.js';
import type {ConsoleSource} from './console-source.js';
import {describeError} from './describe-error.js';
import {ConsoleInterrupted} from './interrupted.js';
import {KeyRouterContext, useKeyRouter, useKeys} from './hooks/use-keys.js';
import {useStore} from './hooks/use-store.js';
import {useTerminalSize} from './hooks/use-terminal-size.js';
import type {Action, Context} from './keymap.js';
import {CallbacksScreen} from './screens/callbacks-screen.js';
import {HookFormScreen} from './screens/hook-form-screen.js';
import {HooksScreen} from './screens/hooks-screen.js';
import {SignalsScreen} from './screens/signals-screen.js';
import {appReducer, initialApp, messageLifetimeMs, overlayContexts, type Screen} from './state/app-state.js';
import {createTheme, type Theme, type Tone} from './theme.js';

export type AppProps = {
	source: ConsoleSource;
	/** Where the data lives, for the top line (password already masked). */
	location: string;
	/** How often live screens read again. */
	refreshMs?: number;
	/** How long a message stays on its line, by tone (the default: messageLifetimeMs). */
	messageMs?: Partial<typeof messageLifetimeMs>;
	theme?: Theme;
};

const screens: Array<{screen: Screen; key: string; title: string}> = [
	{screen: 'hooks', key: '1', title: 'Hooks'},
	{screen: 'signals', key: '2', title: 'Signals'},
	{screen: 'callbacks', key: '3', title: 'Callbacks'},
];

/**
 * The console's shell: the tab line, the current screen, the message line and the footer.
 * The frame is one line shorter than the terminal: Ink redraws the whole screen (a flicker)
 * once a frame reaches the terminal's height.
 */
export function App({source, location, refreshMs = 2000, messageMs, theme: givenTheme}: AppProps) {
	const {exit} = useApp();
	const {columns, rows} = useTerminalSize();
	const [state, dispatch, getState] = useStore(appReducer, () => initialApp);
	const [contexts, setContexts] = useState<Context[]>([]);
	const theme = useMemo(() => givenTheme ?? createTheme(), [givenTheme]);
	const height = Math.max(10, rows - 1);
	const width = Math.max(40, columns);
	const bodyHeight = height - 3;

	const notify = useCallback((text: string, tone: Tone = 'info') => dispatch({type: 'notify', message: {text, tone}}), [dispatch]);
	// A message says what just happened: it goes after a while, so an old one never reads as news.
	const {message} = state;
	const lifetimes = {...messageLifetimeMs, ...messageMs};
	const lifetime = message ? lifetimes[message.tone] : undefined;
	useEffect(() => {
		if (message === undefined || lifetime === undefined) {
			return;
		}

		const timer = setTimeout(() => dispatch({type: 'expire', message}), lifetime);
		return () => clearTimeout(timer);
	}, [message, lifetime, dispatch]);

	const services = useMemo<ConsoleServices>(() => ({
		source,
		theme,
		notify,
		confirm: (text, run) => dispatch({type: 'ask', text, run}),
	}), [source, theme, notify, dispatch]);

	// Stable: the form reads its hook again whenever this changes.
	const closeForm = useCallback((savedId?: number) => dispatch({type: 'closeForm', savedId}), [dispatch]);

	const onGlobal = useCallback((action: Action) => {
		switch (action) {
			case 'quit': exit(); break;
			case 'help': dispatch({type: 'openHelp', contexts}); break;
			case 'showHooks': dispatch({type: 'show', screen: 'hooks'}); break;
			case 'showSignals': dispatch({type: 'show', screen: 'signals'}); break;
			case 'showCallbacks': dispatch({type: 'show', screen: 'callbacks'}); break;
			default: break;
		}
	}, [exit, contexts, dispatch]);

	const router = useKeyRouter(() => exit(new ConsoleInterrupted()));
	const overlay = overlayContexts(state);
	useKeys(overlay ?? [], {
		onAction(action) {
			switch (action) {
				case 'yes': {
					const {question} = getState();
					if (!question) {
						break;
					}

					dispatch({type: 'answered'});
					Promise.resolve(question.run()).catch(error => notify(describeError(error), 'error'));
					break;
				}

				case 'no': dispatch({type: 'answered'}); notify('Nothing changed', 'info'); break;
				case 'closeHelp': dispatch({type: 'closeHelp'}); break;
				case 'up': dispatch({type: 'scrollHelp', by: -1}); break;
				case 'down': dispatch({type: 'scrollHelp', by: 1}); break;
				case 'pageUp': dispatch({type: 'scrollHelp', by: -bodyHeight}); break;
				case 'pageDown': dispatch({type: 'scrollHelp', by: bodyHeight}); break;
				case 'first': dispatch({type: 'scrollHelp', by: -Infinity}); break;
				case 'last': dispatch({type: 'scrollHelp', by: helpLines(getState().help?.contexts ?? []).length}); break;
				default: break;
			}
		},
	}, overlay !== undefined, router);

	const common = {width, height: bodyHeight, refreshMs, onGlobal, onContexts: setContexts};
	const helpOffset = Math.min(state.help?.offset ?? 0, Math.max(0, helpLines(state.help?.contexts ?? []).length - bodyHeight + 1));
	const shown = (screen: Screen) => state.screen === screen && state.form === undefined && !state.help;
	return (
		<ConsoleContext.Provider value={services}>
			<KeyRouterContext.Provider value={router}>
				<Box flexDirection="column" width={width} height={height} overflow="hidden">
					<TabBar width={width} location={location} tabs={screens.map(({screen, key, title}) => ({key, title, active: state.screen === screen}))}/>
					<Box flexDirection="column" height={bodyHeight} overflow="hidden">
						{state.help ? <HelpOverlay contexts={state.help.contexts} height={bodyHeight} offset={helpOffset}/> : null}
						{state.form !== undefined && !state.help ? (
							<HookFormScreen
								width={width}
								height={bodyHeight}
								isActive={!overlay}
								hook={state.form}
								onContexts={setContexts}
								onClose={closeForm}
							/>
						) : null}
						<HooksScreen
							{...common}
							visible={shown('hooks')}
							isActive={shown('hooks') && !overlay}
							select={state.selectHook}
							onOpenForm={hook => dispatch({type: 'openForm', hook})}
							onCallbacksOf={filter => dispatch({type: 'showCallbacksOf', filter})}
						/>
						<SignalsScreen {...common} visible={shown('signals')} isActive={shown('signals') && !overlay}/>
						<CallbacksScreen {...common} visible={shown('callbacks')} isActive={shown('callbacks') && !overlay} applyFilter={state.callbacksFilter}/>
					</Box>
					<MessageLine message={state.message} question={state.question?.text}/>
					<Footer contexts={overlay ?? contexts}/>
				</Box>
			</KeyRouterContext.Provider>
		</ConsoleContext.Provider>
	);
}
