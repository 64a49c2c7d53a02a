import {useCallback} from 'react';
import type {HookPreview} from '../../../source/operations/preview-hook.js';
import {describeError} from '../describe-error.js';
import type {Action} from '../keymap.js';
import {navigationMoves, scrolled} from '../state/navigation.js';
import {closedPreview, previewContexts, previewReducer, type PreviewState} from '../state/preview-state.js';
import {useStore} from './use-store.js';

export type PreviewControl = {
	state: PreviewState;
	/** The contexts while the prompt or a preview is open. */
	contexts: ReturnType<typeof previewContexts>;
	open(): void;
	close(): void;
	/** Handle a key while the preview is open; false when it is closed (the screen handles the key). */
	handle(action: Action, page: number, maxOffset: number): boolean;
	type(text: string): void;
};

/**
 * The record id prompt and the preview of a hook's request, for a screen: `run` builds the
 * preview for the id typed in; an error it throws stays beside the prompt unless `onError`
 * takes it (a form puts a field's error beside the field).
 */
export function usePreview(run: (recordId: string) => Promise<HookPreview>, onError?: (error: unknown) => boolean): PreviewControl {
	const [state, dispatch, getState] = useStore(previewReducer, () => closedPreview);
	// Stable, for screens that close the preview in an effect.
	const close = useCallback(() => dispatch({type: 'close'}), [dispatch]);
	const submit = async (recordId: string) => {
		dispatch({type: 'running'});
		try {
			dispatch({type: 'shown', preview: await run(recordId)});
		} catch (error) {
			if (onError?.(error)) {
				dispatch({type: 'dismiss'});
			} else {
				dispatch({type: 'failed', message: describeError(error)});
			}
		}
	};

	return {
		state,
		contexts: previewContexts(state),
		open: () => dispatch({type: 'open'}),
		close,
		type: text => dispatch({type: 'type', text}),
		handle(action, page, maxOffset) {
			const current = getState();
			if (current.prompt) {
				if (action === 'submit' && !current.running && current.prompt.value.trim() !== '') {
					void submit(current.prompt.value);
				} else if (action === 'dismiss') {
					dispatch({type: 'dismiss'});
				} else if (action === 'deleteBack') {
					dispatch({type: 'deleteBack'});
				}

				return true;
			}

			if (!current.shown) {
				return false;
			}

			const move = navigationMoves[action];
			if (move) {
				dispatch({type: 'scroll', offset: scrolled(current.offset, move, page, maxOffset)});
				return true;
			}

			if (action === 'closePreview') {
				dispatch({type: 'close'});
				return true;
			}

			return false;
		},
	};
}
