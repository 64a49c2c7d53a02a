import {Box, Text} from 'ink';
import {useCallback, useEffect, useMemo, useRef, useState} from 'react';
import {ListView} from '../components/list-view.js';
import {PaneTitle} from '../components/pane-title.js';
import {ScrollView} from '../components/scroll-view.js';
import {useConsole} from '../console-context.js';
import type {HookStats} from '../../../source/operations/stats.js';
import type {HookRow} from '../console-source.js';
import {describeError} from '../describe-error.js';
import {hookDetailLines, previewDetailLines} from '../detail-lines.js';
import {PromptLine} from '../components/prompt-line.js';
import {usePreview} from '../hooks/use-preview.js';
import {cells, columnWidths, headerLine, type Column} from '../columns.js';
import {plural} from '../format.js';
import {useInterval} from '../hooks/use-interval.js';
import {useKeys} from '../hooks/use-keys.js';
import {useReportContexts} from '../hooks/use-report-contexts.js';
import {useRowReads} from '../hooks/use-row-reads.js';
import {useStore, useValue} from '../hooks/use-store.js';
import type {Action, Context} from '../keymap.js';
import {initialList, settle} from '../state/list-state.js';
import {rowListReducer, type RowList} from '../state/row-list-state.js';
import {matchesHook} from '../state/hook-filter.js';
import {safeText} from '../../safe-text.js';
import type {CallbacksFilter} from '../state/callbacks-state.js';
import {handlePaneAction, type ScreenProps} from './screen-props.js';

type Props = ScreenProps & {
	/** Put the cursor on this hook at the next read after a save, once for each serial. */
	select?: {id: number; serial: number};
	onOpenForm(hook: 'new' | number): void;
	onCallbacksOf(filter: CallbacksFilter): void;
};

/** The list takes the rows it needs, up to half the height; the detail pane the rest. */
export function hooksLayout(height: number, hookCount: number) {
	const listRows = Math.min(Math.max(3, hookCount), Math.max(2, Math.floor((height - 3) / 2)));
	return {listRows, detailRows: Math.max(1, height - 3 - listRows)};
}

/** Wait this long after the cursor moves before reading the new hook's figures: scrolling past hooks reads nothing. */
const statsDelayMs = 150;

const columns: Column[] = [
	{title: 'ID', width: 4, align: 'right'},
	{title: 'NAME', flex: 25, min: 10},
	{title: 'MODEL', width: 10},
	{title: 'SIGNALS', flex: 30, min: 12},
	{title: 'STATE', width: 8},
	{title: 'WAITING', width: 7, align: 'right'},
	{title: 'ERROR', width: 5, align: 'right'},
	{title: 'METHOD URL', flex: 45, min: 16},
];

/** Hooks: the list with queue counts, a detail pane, and the keys to create, edit, enable and delete. */
export function HooksScreen({width, height, visible, isActive, refreshMs, onGlobal, onContexts, select, onOpenForm, onCallbacksOf}: Props) {
	const {source, theme, notify, confirm} = useConsole();
	const [state, dispatch, getState] = useStore(rowListReducer<HookRow>, (): RowList<HookRow> => ({rows: [], list: initialList(0, 3)}));
	const layout = hooksLayout(height, state.rows.length);
	const {listRows} = layout;
	const [loaded, setLoaded] = useState(false);
	// The search prompt while it is open, and the search in force (the list shows matching hooks only).
	const [search, setSearch, getSearch] = useValue<string | undefined>(undefined);
	const [filter, setFilter, getFilter] = useValue('');
	const [total, setTotal] = useState(0);
	const [pane, setPane, getPane] = useValue<'list' | 'detail'>('list');
	const [detailOffset, setDetailOffset] = useValue(0);
	const hook = state.rows[state.list.cursor];

	const preview = usePreview(async recordId => source.previewHook(selected.current!, recordId));
	// The record id prompt and the search prompt take the detail pane's last line.
	const detailRows = Math.max(1, layout.detailRows - (preview.state.prompt || search !== undefined ? 1 : 0));
	useEffect(() => dispatch({type: 'move', move: {type: 'resize', height: listRows}}), [listRows, dispatch]);
	const hookId = hook?.id;
	const {close: closePreview} = preview;
	useEffect(() => {
		setDetailOffset(0);
		closePreview();
	}, [hookId, setDetailOffset, closePreview]);

	// The selected hook's delivery figures: read when the cursor settles on a hook and every five
	// refreshes after, never for every hook (the percentiles sort the hook's attempts of the hour).
	const [stats, setStats] = useState<HookStats | undefined>(undefined);
	const selected = useRef<number | undefined>(undefined);
	selected.current = hook?.id;
	const loadStats = useCallback(async () => {
		const id = selected.current;
		if (id === undefined) {
			return;
		}

		try {
			const found = await source.hookStats(id);
			if (selected.current === id) {
				setStats(found);
			}
		} catch (error) {
			notify(describeError(error), 'error');
		}
	}, [source, notify]);
	useEffect(() => {
		if (!visible || hookId === undefined) {
			return;
		}

		const timer = setTimeout(() => void loadStats(), statsDelayMs);
		return () => clearTimeout(timer);
	}, [visible, hookId, loadStats]);
	useInterval(() => void loadStats(), visible && hook ? refreshMs * 5 : undefined);
	const shownStats = stats?.hookId === hook?.id ? stats : undefined;

	// The timer's refreshes and the read after a save may overlap: the rows, and the count of every
	// hook, come from the reads shown, never from an older read that ends late.
	const show = useRowReads(dispatch);
	const reload = useCallback(async (select?: number, ifIdle = false) => {
		try {
			let all = 0;
			const shown = await show(async () => {
				const hooks = await source.hooks();
				all = hooks.length;
				return hooks.filter(hook => matchesHook(hook, getFilter()));
			}, {select, ifIdle});
			if (shown) {
				setTotal(all);
				setLoaded(true);
			}
		} catch (error) {
			notify(describeError(error), 'error');
		}
	}, [source, notify, show, getFilter]);

	// Shown again (after the form, another tab, help): read at once, and select the hook saved if
	// not done yet; where the cursor was moved after, it stays.
	const selectedSave = useRef<number | undefined>(undefined);
	useEffect(() => {
		if (visible) {
			const fresh = select && select.serial !== selectedSave.current ? select.id : undefined;
			selectedSave.current = select?.serial;
			void reload(fresh);
		}
	}, [visible, select, reload]);
	useInterval(() => void reload(undefined, true), visible ? refreshMs : undefined);

	const widths = columnWidths(columns, width - 2);
	const shownPreview = preview.state.shown;
	const lines = useMemo(() => shownPreview ? previewDetailLines(shownPreview, width, theme) : hook ? hookDetailLines(hook, width, theme, shownStats) : [], [shownPreview, hook, width, theme, shownStats]);
	const maxOffset = Math.max(0, lines.length - detailRows);
	const contexts: Context[] = search === undefined ? preview.contexts ?? [pane, 'navigate', 'hooks', 'global'] : ['prompt'];
	useReportContexts(contexts, onContexts, isActive);

	const act = async (action: Action) => {
		const pane = getPane();
		const {rows, list} = getState();
		const hook = rows[list.cursor];
		const typed = getSearch();
		if (typed !== undefined) {
			if (action === 'submit') {
				setSearch(undefined);
				setFilter(typed.trim());
				await reload();
			} else if (action === 'dismiss') {
				setSearch(undefined);
			} else if (action === 'deleteBack') {
				setSearch(typed.slice(0, -1));
			}

			return;
		}

		if (preview.handle(action, detailRows, maxOffset)) {
			return;
		}

		if (handlePaneAction(action, {pane, setPane, onGlobal, dispatch, setDetailOffset, detailRows, maxOffset})) {
			return;
		}

		switch (action) {
			case 'newHook': onOpenForm('new'); return;
			case 'search': setSearch(''); return;
			default: break;
		}

		if (!hook) {
			notify(getFilter() ? `No hook matches "${getFilter()}": press / and Enter to show every hook` : 'No hook here yet: press n to create one', 'info');
			return;
		}

		switch (action) {
			case 'editHook': onOpenForm(hook.id); break;
			case 'hookCallbacks': onCallbacksOf({hookId: hook.id, hookName: hook.name}); break;
			case 'preview': preview.open(); break;
			case 'toggleHook': {
				const changed = await source.setHookEnabled(hook.id, !hook.enabled);
				notify(`Hook "${changed.name}" ${changed.enabled ? 'enabled' : 'disabled'}; running apps follow within seconds`, 'success');
				await reload();
				break;
			}

			case 'deleteHook': {
				const queued = hook.waiting + hook.error;
				confirm(`Delete hook "${hook.name}" (id ${hook.id})?${queued > 0 ? ` Its ${plural(queued, 'waiting or failed callback')} stay, without a hook.` : ''}`, async () => {
					await source.deleteHook(hook.id);
					notify(`Hook "${hook.name}" deleted`, 'success');
					await reload();
				});
				break;
			}

			default: break;
		}
	};

	useKeys(contexts, {
		onAction(action) {
			act(action).catch(error => notify(describeError(error), 'error'));
		},
		onText(text) {
			if (getSearch() === undefined) {
				preview.type(text);
			} else {
				setSearch(current => current === undefined ? current : current + text.replaceAll(/[\r\n]/g, ''));
			}
		},
	}, isActive);

	const offset = Math.min(shownPreview ? preview.state.offset : detailOffset, maxOffset);
	return (
		<Box flexDirection="column" height={height} display={visible ? 'flex' : 'none'}>
			<PaneTitle title={filter ? `Hooks (${state.rows.length} of ${total} matching "${safeText(filter)}")` : `Hooks (${state.rows.length})`} focused={pane === 'list' && search === undefined} width={width}/>
			<ListView
				items={state.rows}
				state={settle({...state.list, height: listRows})}
				isFocused={pane === 'list'}
				header={headerLine(columns, widths)}
				empty={loaded ? filter ? `No hook matches "${safeText(filter)}": / and Enter shows every hook.` : 'No hooks yet: press n to create one.' : 'Loading…'}
				idOf={row => row.id}
				renderItem={row => {
					const [id, name, model, signals, enabled, waiting, error, request] = cells(columns, widths, [
						String(row.id), row.name, row.model, row.signals.join(','), row.enabled ? 'enabled' : row.disabledReason ? 'auto-off' : 'disabled', String(row.waiting), String(row.error), `${row.httpMethod} ${row.targetUrl}`,
					]);
					return (
						<>
							{`${id}  ${name}  ${model}  ${signals}  `}
							<Text color={theme.enabled(row.enabled)}>{enabled}</Text>
							{`  ${waiting}  `}
							<Text color={row.error > 0 ? theme.status('error') : undefined}>{error}</Text>
							{`  ${request}`}
						</>
					);
				}}
			/>
			<PaneTitle
				title={hook ? `${shownPreview ? 'Preview of hook' : 'Hook'} ${hook.id}: ${hook.name}` : 'Details'}
				focused={pane === 'detail' || shownPreview !== undefined}
				width={width}
				right={lines.length > detailRows ? `${offset + 1}-${Math.min(lines.length, offset + detailRows)} of ${lines.length}` : ''}
			/>
			<ScrollView lines={lines} offset={offset} height={detailRows}/>
			{search === undefined ? null : <PromptLine label="Search hook name, model, signals or URL" value={search}/>}
			{preview.state.prompt ? <PromptLine label={preview.state.running ? 'Record id (building the preview…)' : `Record id of ${hook?.model ?? 'the model'} to preview`} value={preview.state.prompt.value} error={preview.state.prompt.error}/> : null}
		</Box>
	);
}
