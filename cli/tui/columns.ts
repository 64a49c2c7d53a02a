import {cell} from './format.js';

export type Column = {title: string; align?: 'left' | 'right'} & ({width: number} | {flex: number; min: number});

/**
 * Widths of a table's columns for a terminal width: fixed columns keep theirs, flexible ones
 * share the rest by weight, so that a wide terminal shows more of URLs and names.
 */
export function columnWidths(columns: Column[], width: number, gap = 2): number[] {
	const fixed = columns.reduce((sum, column) => sum + ('width' in column ? column.width : 0), 0);
	const flexible = columns.filter(column => 'flex' in column) as Array<{flex: number; min: number}>;
	const weight = flexible.reduce((sum, column) => sum + column.flex, 0);
	const free = Math.max(0, width - fixed - gap * (columns.length - 1));
	return columns.map(column => 'width' in column ? column.width : Math.max(column.min, Math.floor(free * column.flex / weight)));
}

/** The cells of one row, each cut or padded to its column. */
export function cells(columns: Column[], widths: number[], values: string[]): string[] {
	return values.map((value, index) => cell(value, widths[index]!, columns[index]!.align));
}

export function headerLine(columns: Column[], widths: number[]): string {
	return cells(columns, widths, columns.map(column => column.title)).join('  ');
}
