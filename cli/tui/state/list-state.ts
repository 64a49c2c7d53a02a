/**
 * The cursor and the window of visible rows of any list, as a pure reducer: moving over a
 * million rows only ever renders `height` of them.
 */
export type ListState = {
	cursor: number;
	/** Index of the first visible row. */
	offset: number;
	count: number;
	height: number;
};

export type ListAction =
	| {type: 'up'} | {type: 'down'} | {type: 'pageUp'} | {type: 'pageDown'} | {type: 'first'} | {type: 'last'}
	| {type: 'select'; index: number}
	| {type: 'resize'; height: number}
	| {type: 'count'; count: number};

export function initialList(count = 0, height = 10): ListState {
	return settle({cursor: 0, offset: 0, count, height: Math.max(1, height)});
}

/** Keep the cursor inside the rows and the window around the cursor. */
export function settle(state: ListState): ListState {
	const height = Math.max(1, state.height);
	const cursor = state.count === 0 ? 0 : Math.min(Math.max(0, state.cursor), state.count - 1);
	let offset = Math.min(Math.max(0, state.offset), Math.max(0, state.count - height));
	if (cursor < offset) {
		offset = cursor;
	} else if (cursor >= offset + height) {
		offset = cursor - height + 1;
	}

	return {cursor, offset, count: state.count, height};
}

export function listReducer(state: ListState, action: ListAction): ListState {
	switch (action.type) {
		case 'up': return settle({...state, cursor: state.cursor - 1});
		case 'down': return settle({...state, cursor: state.cursor + 1});
		// A page moves the window and the cursor together, as in a pager.
		case 'pageUp': return settle({...state, cursor: state.cursor - state.height, offset: state.offset - state.height});
		case 'pageDown': return settle({...state, cursor: state.cursor + state.height, offset: state.offset + state.height});
		case 'first': return settle({...state, cursor: 0});
		case 'last': return settle({...state, cursor: state.count - 1});
		case 'select': return settle({...state, cursor: action.index});
		case 'resize': return settle({...state, height: action.height});
		case 'count': return settle({...state, count: action.count});
	}
}

/** The slice of rows to render. */
export function visibleRange(state: ListState): {start: number; end: number} {
	return {start: state.offset, end: Math.min(state.count, state.offset + state.height)};
}
