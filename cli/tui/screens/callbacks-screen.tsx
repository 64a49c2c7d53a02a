import {Box, Text} from 'ink';
import {useCallback, useEffect, useMemo, useRef, useState} from 'react';
import type {CallbackDetail} from '../../../source/operations/browse-callbacks.js';
import {safeText} from '../../safe-text.js';
import {ListView} from '../components/list-view.js';
import {PaneTitle} from '../components/pane-title.js';
import {PromptLine} from '../components/prompt-line.js';
import {ScrollView} from '../components/scroll-view.js';
import {useConsole} from '../console-context.js';
import {describeError} from '../describe-error.js';
import {briefDetails} from '../../brief-details.js';
import {callbackDetailLines} from '../detail-lines.js';
import {cells, columnWidths, headerLine, type Column} from '../columns.js';
import {count, plural, shortTime} from '../format.js';
import {useInterval} from '../hooks/use-interval.js';
import {useKeys} from '../hooks/use-keys.js';
import {useReportContexts} from '../hooks/use-report-contexts.js';
import {useStore, useValue} from '../hooks/use-store.js';
import type {Action, Context} from '../keymap.js';
import {
	callbacksReducer, initialCallbacks, visibleWindow, wantsMore, type CallbackRow, type CallbacksFilter,
} from '../state/callbacks-state.js';
import {cancelOutcome, cancelPlan, cancelQuestion, isCancellable} from '../state/cancel-plan.js';
import {settle} from '../state/list-state.js';
import {handlePaneAction, type ScreenProps} from './screen-props.js';

type Props = ScreenProps & {
	/** A filter to take (from the hooks screen), re-applied when `serial` moves. */
	applyFilter?: {filter: CallbacksFilter; serial: number};
};

const pageSize = 100;
const newerLimit = 500;

/** The list takes the rows it has, up to 45 % of the height; the detail pane the rest. */
export function callbacksLayout(height: number, rowCount: number) {
	const listRows = Math.min(Math.max(3, rowCount), Math.max(2, Math.floor((height - 4) * 0.45)));
	return {listRows, detailRows: Math.max(1, height - 4 - listRows)};
}

const columns: Column[] = [
	{title: 'ID', width: 8, align: 'right'},
	{title: 'CREATED', width: 8},
	{title: 'STATUS', width: 9},
	{title: 'HOOK', flex: 25, min: 8},
	{title: 'EVENT', width: 10},
	{title: 'TRIES', width: 5, align: 'right'},
	{title: 'REQUEST', flex: 45, min: 16},
	{title: 'DETAILS', flex: 30, min: 8},
];

export function describeFilter(filter: CallbacksFilter): string {
	const parts = [
		filter.status ? `status ${filter.status}` : undefined,
		filter.hookName === undefined ? undefined : `of hook "${filter.hookName}"`,
		filter.search ? `matching "${filter.search}"` : undefined,
	].filter(Boolean);
	return parts.length === 0 ? '' : ` (${parts.join(', ')})`;
}

/**
 * Callbacks, newest first and live: new rows and the status of the visible rows are read again
 * on an interval; only keyset pages are read, so a table of millions opens at once.
 */
export function CallbacksScreen({width, height, visible, isActive, refreshMs, onGlobal, onContexts, applyFilter}: Props) {
	const {source, theme, notify, confirm} = useConsole();
	const [state, dispatch, getState] = useStore(callbacksReducer, () => initialCallbacks(3, applyFilter?.filter));
	const {listRows, detailRows} = callbacksLayout(height, state.rows.length);
	const [pane, setPane, getPane] = useValue<'list' | 'detail'>('list');
	const [search, setSearch, getSearch] = useValue<string | undefined>(undefined);
	const [detail, setDetail] = useState<CallbackDetail | undefined>();
	const [detailOffset, setDetailOffset] = useValue(0);
	const loadedGeneration = useRef(-1);
	const refreshing = useRef(false);
	const row: CallbackRow | undefined = state.rows[state.list.cursor];

	useEffect(() => dispatch({type: 'move', move: {type: 'resize', height: listRows}}), [listRows, dispatch]);
	useEffect(() => {
		if (applyFilter) {
			dispatch({type: 'filter', filter: applyFilter.filter});
			setPane('list');
		}
	}, [applyFilter, dispatch, setPane]);

	const load = useCallback(async (append: boolean) => {
		const {generation, filter, nextBeforeId} = getState();
		dispatch({type: 'loading'});
		try {
			const page = await source.pageCallbacks(filter, {limit: pageSize, beforeId: append ? nextBeforeId : undefined});
			dispatch({type: 'loaded', generation, page, append});
		} catch (error) {
			dispatch({type: 'failed', generation});
			notify(describeError(error), 'error');
		}
	}, [source, notify, dispatch, getState]);

	// The first page of each filter, once the screen is shown.
	useEffect(() => {
		if (visible && loadedGeneration.current !== state.generation) {
			loadedGeneration.current = state.generation;
			void load(false);
		}
	}, [visible, state.generation, load]);

	// Older rows, as the cursor nears the end of the loaded ones.
	useEffect(() => {
		if (visible && loadedGeneration.current === state.generation && wantsMore(state)) {
			void load(true);
		}
	}, [visible, state, load]);

	// A refresh asked for after a change (resend, cancel) while another is under way runs once
	// that one ends, which may have read before the change; the timer's is simply skipped.
	const refreshAgain = useRef(false);
	const refresh = useCallback(async (fromTimer = false) => {
		const current = getState();
		if (refreshing.current || current.loading) {
			refreshAgain.current ||= !fromTimer;
			return;
		}

		refreshing.current = true;
		try {
			const {generation, filter} = current;
			const topId = current.rows[0]?.id ?? 0;
			const newer = await source.newerCallbacks(filter, topId, newerLimit);
			if (newer.length === newerLimit) {
				// Too many to fold in: start again from the newest page.
				loadedGeneration.current = -1;
				dispatch({type: 'filter', filter});
				return;
			}

			const range = visibleWindow(current);
			let window;
			if (range) {
				const page = await source.pageCallbacks(filter, {limit: range.limit, beforeId: range.fromId + 1});
				window = {fromId: range.fromId, rows: page.rows, complete: page.nextBeforeId === undefined};
			}

			dispatch({type: 'refreshed', generation, newer, window, at: new Date()});
		} catch (error) {
			notify(describeError(error), 'error');
		} finally {
			refreshing.current = false;
			if (refreshAgain.current) {
				refreshAgain.current = false;
				void refresh();
			}
		}
	}, [source, notify, dispatch, getState]);
	useInterval(() => void refresh(true), visible && !state.paused ? refreshMs : undefined);

	// The detail of the row under the cursor, read again when the row changes.
	// By value: a refresh brings new row objects, and only a changed row needs reading again.
	const detailKey = row ? `${row.id}:${row.status}:${row.attempts}:${new Date(row.updatedAt).getTime()}` : '';
	const rowId = row?.id;
	useEffect(() => {
		if (rowId === undefined) {
			setDetail(undefined);
			return;
		}

		let stale = false;
		// A short pause, so that holding an arrow key does not read every row on the way.
		const timer = setTimeout(() => {
			source.callback(rowId).then(found => {
				if (!stale) {
					setDetail(found);
				}
			}, error => notify(describeError(error), 'error'));
		}, 60);
		return () => {
			stale = true;
			clearTimeout(timer);
		};
	}, [detailKey, rowId, source, notify]);
	useEffect(() => setDetailOffset(0), [rowId, setDetailOffset]);

	const widths = columnWidths(columns, width - 2);
	const lines = useMemo(() => detail && detail.id === row?.id ? callbackDetailLines(detail, width, theme) : [], [detail, row?.id, width, theme]);
	const maxOffset = Math.max(0, lines.length - detailRows);
	const contexts: Context[] = search === undefined ? [pane, 'navigate', 'callbacks', 'global'] : ['prompt'];
	useReportContexts(contexts, onContexts, isActive);

	const resendAll = async () => {
		const {filter} = getState();
		const total = await source.countCallbacks(filter);
		if (total === 0) {
			notify(`No callbacks to resend${describeFilter(filter)}`, 'info');
			return;
		}

		confirm(`Resend all ${plural(total, 'callback')}${describeFilter(filter)}?`, async () => {
			const resent = await source.resend({filter});
			notify(`${plural(resent, 'callback')} queued again, due now`, 'success');
			await refresh();
		});
	};

	const cancelOne = (row: CallbackRow | undefined) => {
		if (!row) {
			notify('No callback here to cancel', 'info');
			return;
		}

		if (!isCancellable(row.status)) {
			notify(`Callback ${row.id} is ${row.status}: final, nothing to cancel`, 'info');
			return;
		}

		confirm(cancelQuestion(1, `callback ${row.id}`, ''), async () => {
			const result = await source.cancel({ids: [row.id]});
			notify(`Callback ${row.id}: ${cancelOutcome(result, 1)}`, result.cancelled === 1 ? 'success' : 'info');
			await refresh();
		});
	};

	const cancelAll = async () => {
		const {filter} = getState();
		const plan = cancelPlan(filter);
		if ('refused' in plan) {
			notify(plan.refused, 'info');
			return;
		}

		const total = await source.countWithStatuses(filter, plan.statuses);
		if (total === 0) {
			notify(`No ${plan.statuses.join(' or ')} callbacks to cancel${describeFilter(filter)}`, 'info');
			return;
		}

		confirm(cancelQuestion(total, `all ${plural(total, `${plan.statuses.join(' or ')} callback`)}`, describeFilter(filter)), async () => {
			const result = await source.cancel({filter, statuses: plan.statuses});
			notify(cancelOutcome(result, total), 'success');
			await refresh();
		});
	};

	const act = async (action: Action) => {
		const search = getSearch();
		const pane = getPane();
		const state = getState();
		const row = state.rows[state.list.cursor];
		if (search !== undefined) {
			if (action === 'submit') {
				setSearch(undefined);
				dispatch({type: 'filter', filter: {...state.filter, search: search.trim() || undefined}});
			} else if (action === 'dismiss') {
				setSearch(undefined);
			} else if (action === 'deleteBack') {
				setSearch(current => current?.slice(0, -1));
			}

			return;
		}

		if (handlePaneAction(action, {pane, setPane, onGlobal, dispatch, setDetailOffset, detailRows, maxOffset})) {
			return;
		}

		switch (action) {
			case 'cycleStatus': dispatch({type: 'cycleStatus'}); break;
			// The prompt starts empty: the search in force shows on the filter line above it.
			case 'search': setSearch(''); break;
			case 'clearFilter': dispatch({type: 'filter', filter: {}}); break;
			case 'pause': dispatch({type: 'pause'}); break;
			case 'resend': {
				if (!row) {
					notify('No callback here to resend', 'info');
					break;
				}

				await source.resend({ids: [row.id]});
				notify(`Callback ${row.id} queued again, due now`, 'success');
				await refresh();
				break;
			}

			case 'resendAll': await resendAll(); break;
			case 'cancelCallback': cancelOne(row); break;
			case 'cancelAll': await cancelAll(); break;
			default: break;
		}
	};

	useKeys(contexts, {
		onAction(action) {
			act(action).catch(error => notify(describeError(error), 'error'));
		},
		onText(text) {
			setSearch(current => current === undefined ? current : current + text.replaceAll(/[\r\n]/g, ''));
		},
	}, isActive);

	const filterText = [
		`Status: ${state.filter.status ?? 'all'}`,
		state.filter.hookName === undefined ? undefined : `Hook: ${state.filter.hookName}`,
		`Search: ${state.filter.search ? `"${state.filter.search}"` : 'none'}`,
	].filter(Boolean).join(' · ');
	const live = state.paused ? '❚❚ paused' : `● live, every ${refreshMs / 1000} s`;
	const loadedText = `${count(state.rows.length)} loaded${state.nextBeforeId === undefined ? '' : ', more below'}${state.loading ? ' · loading…' : ''}`;
	const emptyText = state.loading ? 'Loading…' : `No callbacks${describeFilter(state.filter)}.`;
	return (
		<Box flexDirection="column" height={height} display={visible ? 'flex' : 'none'}>
			{search === undefined
				? (
					<Text wrap="truncate-end">
						{` ${safeText(filterText)} · `}
						<Text color={state.paused ? theme.tone('info') : theme.status('sent')}>{live}</Text>
						{state.refreshedAt ? ` · updated ${shortTime(state.refreshedAt)}` : ''}
					</Text>
				)
				: <PromptLine label="Search hook name, URL or status details" value={search}/>}
			<PaneTitle title={`Callbacks, newest first (${loadedText})`} focused={pane === 'list'} width={width}/>
			<ListView
				items={state.rows}
				state={settle({...state.list, height: listRows})}
				isFocused={pane === 'list'}
				header={headerLine(columns, widths)}
				empty={emptyText}
				idOf={callback => callback.id}
				renderItem={callback => {
					const [id, created, status, hook, event, tries, request, details] = cells(columns, widths, [
						String(callback.id), shortTime(callback.createdAt), callback.status, callback.hookName, callback.eventType, String(callback.attempts),
						`${callback.httpMethod} ${callback.targetUrl}`, briefDetails(callback.statusDetails ?? ''),
					]);
					return (
						<>
							{`${id}  ${created}  `}
							<Text color={theme.status(callback.status)}>{status}</Text>
							{`  ${hook}  ${event}  ${tries}  ${request}  ${details}`}
						</>
					);
				}}
			/>
			<PaneTitle title={row ? `Callback ${row.id}` : 'Details'} focused={pane === 'detail'} width={width} right={lines.length > detailRows ? `${detailOffset + 1}-${Math.min(lines.length, detailOffset + detailRows)} of ${lines.length}` : ''}/>
			<ScrollView lines={lines} offset={Math.min(detailOffset, maxOffset)} height={detailRows}/>
		</Box>
	);
}
