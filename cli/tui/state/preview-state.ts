import type {HookPreview} from '../../../source/operations/preview-hook.js';
import type {Context} from '../keymap.js';

/** A preview of a hook's request: the record id prompt, then the preview shown (with its scroll offset). */
export type PreviewState = {
	prompt?: {value: string; error?: string};
	running: boolean;
	shown?: HookPreview;
	offset: number;
};

export type PreviewAction =
	| {type: 'open'} | {type: 'type'; text: string} | {type: 'deleteBack'} | {type: 'dismiss'}
	| {type: 'running'} | {type: 'failed'; message: string} | {type: 'shown'; preview: HookPreview}
	| {type: 'scroll'; offset: number} | {type: 'close'};

export const closedPreview: PreviewState = {running: false, offset: 0};

/** The longest record id the prompt takes: a primary key, not a document. */
const maxRecordId = 1000;

export function previewReducer(state: PreviewState, action: PreviewAction): PreviewState {
	switch (action.type) {
		case 'open': return {...closedPreview, prompt: {value: state.prompt?.value ?? ''}};
		case 'type': {
			if (!state.prompt || state.running) {
				return state;
			}

			const value = (state.prompt.value + action.text.replaceAll(/[\r\n]/g, '')).slice(0, maxRecordId);
			return {...state, prompt: {value}};
		}

		case 'deleteBack': return state.prompt && !state.running ? {...state, prompt: {value: state.prompt.value.slice(0, -1)}} : state;
		case 'dismiss': return closedPreview;
		case 'running': return {...state, running: true};
		case 'failed': return state.prompt ? {...state, running: false, prompt: {...state.prompt, error: action.message}} : {...state, running: false};
		case 'shown': return {running: false, shown: action.preview, offset: 0};
		case 'scroll': return {...state, offset: action.offset};
		case 'close': return state.prompt || state.shown || state.running ? closedPreview : state;
	}
}

/** The key contexts a preview takes while it is open; undefined when it is closed. */
export function previewContexts(state: PreviewState): Context[] | undefined {
	if (state.prompt) {
		return ['prompt'];
	}

	return state.shown ? ['preview', 'navigate', 'global'] : undefined;
}
