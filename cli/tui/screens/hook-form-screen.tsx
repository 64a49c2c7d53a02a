import {Box, Text} from 'ink';
import {useEffect, useRef} from 'react';
import {HttpHooksError, StaleHookError} from '../../../source/errors.js';
import {safeText} from '../../safe-text.js';
import {PaneTitle} from '../components/pane-title.js';
import {PromptLine} from '../components/prompt-line.js';
import {ScrollView} from '../components/scroll-view.js';
import {previewDetailLines} from '../detail-lines.js';
import {usePreview} from '../hooks/use-preview.js';
import {useConsole} from '../console-context.js';
import {describeError} from '../describe-error.js';
import {dateTime} from '../format.js';
import {useExternalEditor} from '../hooks/use-external-editor.js';
import {useKeys} from '../hooks/use-keys.js';
import {useReportContexts} from '../hooks/use-report-contexts.js';
import {useStore} from '../hooks/use-store.js';
import type {Action, Context} from '../keymap.js';
import {changedInput, focusedField, hookFormReducer, initialForm, isDirty, toHookInput, type FormAction, type FormState} from '../state/hook-form-state.js';
import {formLines} from './hook-form-lines.js';

type Props = {
	width: number;
	height: number;
	isActive: boolean;
	hook: 'new' | number;
	onContexts(contexts: Context[]): void;
	/** Leave the form; with the id of the hook saved, if one was. */
	onClose(savedId?: number): void;
};

type Local = FormState | undefined;
function reducer(state: Local, action: FormAction | {type: 'load'; state: FormState}): Local {
	if (action.type === 'load') {
		return action.state;
	}

	return state && hookFormReducer(state, action);
}

const textActions: Partial<Record<Action, FormAction>> = {
	caretLeft: {type: 'caret', to: 'left'}, caretRight: {type: 'caret', to: 'right'}, caretHome: {type: 'caret', to: 'home'}, caretEnd: {type: 'caret', to: 'end'},
	deleteBack: {type: 'deleteBack'}, newLine: {type: 'newLine'},
	nextField: {type: 'next'}, previousField: {type: 'previous'},
	choosePrevious: {type: 'choose', by: -1}, chooseNext: {type: 'choose', by: 1}, toggleOption: {type: 'toggle'},
};

function editorFile(state: FormState): string {
	const field = focusedField(state);
	if (field.key !== 'payloadTemplate') {
		return `${field.key}.txt`;
	}

	const type = state.values.contentType;
	return `payload-template.${type.includes('json') ? 'json' : type.includes('xml') ? 'xml' : type.includes('html') ? 'html' : type.includes('javascript') ? 'js' : 'txt'}`;
}

/** Create or edit a hook: every field, validated by the library on save, errors beside their field. */
export function HookFormScreen({width, height, isActive, hook, onContexts, onClose}: Props) {
	const {source, theme, notify, confirm} = useConsole();
	const [state, dispatch, getState] = useStore(reducer, (): Local => undefined);
	const editText = useExternalEditor();
	const offset = useRef(0);

	useEffect(() => {
		let stale = false;
		(async () => {
			const [options, record] = await Promise.all([source.formOptions(), hook === 'new' ? undefined : source.hook(hook)]);
			if (!stale) {
				dispatch({type: 'load', state: initialForm(options, record)});
			}
		})().catch(error => {
			notify(describeError(error), 'error');
			onClose();
		});
		return () => {
			stale = true;
		};
	}, [hook, source, notify, dispatch, onClose]);

	// A preview of the hook as typed: the library validates the fields first, as a save would.
	const preview = usePreview(async recordId => source.previewDraft(toHookInput(getState()!.values), recordId), error => {
		if (error instanceof HttpHooksError && error.field) {
			dispatch({type: 'failed', field: error.field, message: describeError(error)});
			notify(`Cannot preview: ${describeError(error)}`, 'error');
			return true;
		}

		return false;
	});
	const field = state ? focusedField(state) : undefined;
	const typing = field?.kind === 'text' || field?.kind === 'multiline';
	const contexts: Context[] = preview.contexts ?? [typing ? 'form-text' : 'form-choice', 'form'];
	const previewRows = Math.max(1, height - 2);
	const previewLines = preview.state.shown ? previewDetailLines(preview.state.shown, width, theme) : [];
	useReportContexts(contexts, onContexts, isActive);

	const save = async (current: FormState) => {
		dispatch({type: 'saving'});
		try {
			const saved = current.loaded
				? await source.updateHook(current.loaded, changedInput(current))
				: await source.createHook(toHookInput(current.values));
			const rotated = current.values.secret !== current.initial.secret && saved.previousSecretExpiresAt ? `; the previous secret also signs until ${dateTime(saved.previousSecretExpiresAt)}` : '';
			notify(`Hook "${saved.name}" ${current.editingId === undefined ? 'created' : 'saved'} (id ${saved.id})${rotated}; running apps pick it up by themselves`, 'success');
			onClose(saved.id);
		} catch (error) {
			const message = describeError(error);
			// Someone changed the hook meanwhile: said in the form's own line, which stays in sight.
			const stale = error instanceof StaleHookError ? `Not saved, the hook changed meanwhile: ${error.changes}. Esc, then e: edit it anew.` : undefined;
			dispatch({type: 'failed', field: error instanceof HttpHooksError ? error.field : undefined, message: stale ?? message});
			notify(error instanceof HttpHooksError && error.field ? `Not saved: ${message}` : message, 'error');
		}
	};

	useKeys(contexts, {
		onAction(action) {
			const state = getState();
			if (!state || state.saving) {
				return;
			}

			if (preview.handle(action, previewRows, Math.max(0, previewLines.length - previewRows))) {
				return;
			}

			if (action === 'preview') {
				preview.open();
			} else if (action === 'save') {
				void save(state);
			} else if (action === 'cancel') {
				if (isDirty(state)) {
					confirm('Leave the form and lose the changes?', () => onClose());
				} else {
					onClose();
				}
			} else if (action === 'externalEditor') {
				const key = focusedField(state).key as 'headers';
				// An editor would show the secret and leave it in a file: it is typed here, blind.
				if (focusedField(state).secret) {
					notify('A secret is typed here, masked; it is never opened in an editor', 'info');
					return;
				}

				try {
					dispatch({type: 'set', key, value: editText(state.values[key], editorFile(state))});
					notify(`${focusedField(state).label} edited in the editor`, 'info');
				} catch (error) {
					notify((error as Error).message, 'error');
				}
			} else if (textActions[action]) {
				dispatch(textActions[action]);
			}
		},
		onText(text) {
			if (preview.state.prompt) {
				preview.type(text);
			} else {
				dispatch({type: 'type', text});
			}
		},
	}, isActive);

	const title = hook === 'new' ? 'New hook' : `Edit hook ${hook}${state ? `: ${state.initial.name}` : ''}`;
	if (!state) {
		return (
			<Box flexDirection="column" height={height}>
				<PaneTitle title={title} focused width={width}/>
				<Text dimColor> Loading…</Text>
			</Box>
		);
	}

	if (preview.state.shown) {
		const shownOffset = Math.min(preview.state.offset, Math.max(0, previewLines.length - previewRows));
		return (
			<Box flexDirection="column" height={height}>
				<PaneTitle title={`${title}: preview as typed, not saved`} focused width={width} right={previewLines.length > previewRows ? `${shownOffset + 1}-${Math.min(previewLines.length, shownOffset + previewRows)} of ${previewLines.length}` : ''}/>
				<ScrollView lines={previewLines} offset={shownOffset} height={previewRows}/>
				<Text dimColor wrap="truncate-end"> Esc: back to the form. Nothing was sent or saved.</Text>
			</Box>
		);
	}

	const {lines, focusStart, focusEnd} = formLines(state, width, theme);
	const rows = Math.max(1, height - 2);
	// Keep the focused field in sight, moving the view as little as possible.
	let top = Math.min(offset.current, Math.max(0, lines.length - rows));
	if (focusStart < top) {
		top = focusStart;
	} else if (focusEnd > top + rows) {
		top = Math.min(focusStart, focusEnd - rows);
	}

	offset.current = top;
	const errors = Object.keys(state.errors).length;
	return (
		<Box flexDirection="column" height={height}>
			<PaneTitle title={title} focused width={width} right={lines.length > rows ? `lines ${top + 1}-${Math.min(lines.length, top + rows)} of ${lines.length}` : ''}/>
			<Box flexDirection="column" height={rows} overflow="hidden">
				{lines.slice(top, top + rows).map((line, index) => (
					<Text key={top + index} wrap="truncate-end">
						{line.map((segment, at) => (
							<Text key={at} color={segment.color} inverse={segment.inverse} bold={segment.bold} dimColor={segment.dim}>{safeText(segment.text)}</Text>
						))}
					</Text>
				))}
			</Box>
			{preview.state.prompt ? <PromptLine label={preview.state.running ? 'Record id (building the preview…)' : `Record id of ${state.values.model || 'the model'} to preview`} value={preview.state.prompt.value} error={preview.state.prompt.error}/> : null}
			{preview.state.prompt ? null : <Text wrap="truncate-end" dimColor={!state.saving && errors === 0 && !state.formError} color={errors > 0 || state.formError ? theme.tone('error') : undefined}>
				{state.saving ? ' Saving…' : errors > 0 ? ' Not saved: fix the field marked ✗ (the library\'s own validation).' : state.formError ? ` ${state.formError}` : ' Ctrl-S validates with the library and saves; Ctrl-P previews a record\'s request; Esc leaves.'}
			</Text>}
		</Box>
	);
}
