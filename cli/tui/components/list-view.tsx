import {Box, Text} from 'ink';
import type {ReactNode} from 'react';
import {visibleRange, type ListState} from '../state/list-state.js';

type Props<T> = {
	items: T[];
	state: ListState;
	isFocused: boolean;
	/** One line per item; the list adds the cursor mark and highlight. */
	renderItem(item: T, selected: boolean): ReactNode;
	/** A column header line above the rows. */
	header?: string;
	/** Shown when there are no items. */
	empty?: string;
	idOf?(item: T): string | number;
};

/**
 * A window of rows from any list: only `state.height` rows are rendered, however many there
 * are. The cursor row is marked with `›` (and inverse when focused), never by colour alone.
 */
export function ListView<T>({items, state, isFocused, renderItem, header, empty, idOf}: Props<T>) {
	const {start, end} = visibleRange(state);
	return (
		<Box flexDirection="column" height={state.height + (header === undefined ? 0 : 1)} overflow="hidden">
			{header === undefined ? null : <Text bold wrap="truncate-end">{`  ${header}`}</Text>}
			{items.length === 0 && empty ? <Text dimColor wrap="truncate-end">{`  ${empty}`}</Text> : null}
			{items.slice(start, end).map((item, index) => {
				const selected = start + index === state.cursor;
				return (
					<Text key={idOf ? idOf(item) : start + index} wrap="truncate-end" inverse={selected && isFocused} bold={selected && !isFocused}>
						{selected ? '› ' : '  '}
						{renderItem(item, selected)}
					</Text>
				);
			})}
		</Box>
	);
}
