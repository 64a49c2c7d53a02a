import {Box, Text} from 'ink';
import {useCallback, useEffect} from 'react';
import {ListView} from '../components/list-view.js';
import {PaneTitle} from '../components/pane-title.js';
import {PromptLine} from '../components/prompt-line.js';
import {useConsole} from '../console-context.js';
import type {SignalRow} from '../console-source.js';
import {describeError} from '../describe-error.js';
import {cell} from '../format.js';
import {useInterval} from '../hooks/use-interval.js';
import {useKeys} from '../hooks/use-keys.js';
import {useReportContexts} from '../hooks/use-report-contexts.js';
import {useRowReads} from '../hooks/use-row-reads.js';
import {useStore, useValue} from '../hooks/use-store.js';
import type {Context} from '../keymap.js';
import {initialList, settle} from '../state/list-state.js';
import {navigationMoves} from '../state/navigation.js';
import {rowListReducer, type RowList} from '../state/row-list-state.js';
import {globalActions, type ScreenProps} from './screen-props.js';

const header = `${cell('NAME', 32)}  ${cell('KIND', 8)}  ${cell('HOOKS', 5, 'right')}`;

/** Signals: the built-in ones and the app's custom ones, and a prompt to add a custom signal. */
export function SignalsScreen({width, height, visible, isActive, refreshMs, onGlobal, onContexts}: ScreenProps) {
	const {source, notify, confirm} = useConsole();
	const listRows = Math.max(1, height - 3);
	const [state, dispatch, getState] = useStore(rowListReducer<SignalRow>, (): RowList<SignalRow> => ({rows: [], list: initialList(0, listRows)}));
	const [prompt, setPrompt, getPrompt] = useValue<{value: string; error?: string} | undefined>(undefined);

	useEffect(() => dispatch({type: 'move', move: {type: 'resize', height: listRows}}), [listRows, dispatch]);
	const show = useRowReads(dispatch);
	const reload = useCallback(async (select?: number, ifIdle = false) => {
		try {
			await show(async () => source.signals(), {select, ifIdle});
		} catch (error) {
			notify(describeError(error), 'error');
		}
	}, [source, notify, show]);
	useEffect(() => {
		if (visible) {
			void reload();
		}
	}, [visible, reload]);
	useInterval(() => void reload(undefined, true), visible ? refreshMs : undefined);

	const contexts: Context[] = prompt ? ['prompt'] : ['navigate', 'signals', 'global'];
	useReportContexts(contexts, onContexts, isActive);

	const submit = async (name: string) => {
		try {
			const signal = await source.createSignal(name);
			setPrompt(undefined);
			notify(`Signal "${signal.name}" is ready; hooks can use it`, 'success');
			await reload(signal.id);
		} catch (error) {
			setPrompt({value: name, error: describeError(error)});
		}
	};

	const remove = async (signal: SignalRow) => {
		if (signal.builtIn) {
			notify(`Signal "${signal.name}" is built in and cannot be deleted`, 'error');
			return;
		}

		const users = await source.signalUsers(signal.name);
		if (users.length > 0) {
			notify(`Signal "${signal.name}" is used by ${users.map(hook => `"${hook.name}" (id ${hook.id})`).join(', ')}: change or delete ${users.length === 1 ? 'that hook' : 'those hooks'} first`, 'error');
			return;
		}

		confirm(`Delete signal "${signal.name}"? An app that defines it creates it again at its start.`, async () => {
			try {
				await source.deleteSignal(signal.name);
				notify(`Signal "${signal.name}" deleted`, 'success');
			} catch (error) {
				notify(describeError(error), 'error');
			}

			await reload();
		});
	};

	useKeys(contexts, {
		onAction(action) {
			const prompt = getPrompt();
			if (prompt) {
				if (action === 'submit') {
					void submit(prompt.value);
				} else if (action === 'dismiss') {
					setPrompt(undefined);
				} else if (action === 'deleteBack') {
					setPrompt(current => current && {value: current.value.slice(0, -1)});
				}

				return;
			}

			if (globalActions.has(action)) {
				onGlobal(action);
			} else if (action === 'newSignal') {
				setPrompt({value: ''});
			} else if (action === 'deleteSignal') {
				const {rows, list} = getState();
				const signal = rows[list.cursor];
				if (signal) {
					remove(signal).catch(error => notify(describeError(error), 'error'));
				}
			} else if (navigationMoves[action]) {
				dispatch({type: 'move', move: {type: navigationMoves[action]}});
			}
		},
		onText(text) {
			setPrompt(current => current && {value: current.value + text.replaceAll(/[\r\n]/g, '')});
		},
	}, isActive);

	return (
		<Box flexDirection="column" height={height} display={visible ? 'flex' : 'none'}>
			<PaneTitle title={`Signals (${state.rows.length})`} focused={!prompt} width={width}/>
			<ListView
				items={state.rows}
				state={settle({...state.list, height: listRows})}
				isFocused={!prompt}
				header={header}
				empty="Loading…"
				idOf={row => row.id}
				renderItem={row => `${cell(row.name, 32)}  ${cell(row.builtIn ? 'built-in' : 'custom', 8)}  ${cell(String(row.hookCount), 5, 'right')}`}
			/>
			{prompt
				? <PromptLine label="New signal" value={prompt.value} error={prompt.error}/>
				: <Text dimColor wrap="truncate-end"> Custom signals are dotted words, e.g. orders.shipped; the app sends them with defineSignal().</Text>}
		</Box>
	);
}
