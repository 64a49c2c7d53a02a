import {safeText} from './safe-text.js';

export type Column = {
	header: string;
	/** Numbers read better aligned right. */
	align?: 'left' | 'right';
	/** Longer cells are cut with an ellipsis, so one long URL does not wreck the table. */
	maxWidth?: number;
};

/** Cut a cell to one line of at most `width` characters, control characters shown escaped (`\n`, `\x1b`). */
function fit(cell: string, width: number | undefined): string {
	const line = safeText(cell).replaceAll(/\s+/g, ' ').trim();
	return width !== undefined && line.length > width ? `${line.slice(0, Math.max(0, width - 1))}…` : line;
}

/** A plain-text table: a header row, then one row per item, columns two spaces apart. */
export function formatTable(columns: Column[], rows: string[][]): string {
	const cells = rows.map(row => columns.map((column, index) => fit(row[index] ?? '', column.maxWidth)));
	const widths = columns.map((column, index) => Math.max(column.header.length, ...cells.map(row => row[index]!.length)));
	const render = (row: string[]) => row
		.map((cell, index) => columns[index]!.align === 'right' ? cell.padStart(widths[index]!) : cell.padEnd(widths[index]!))
		.join('  ')
		.trimEnd();
	return [render(columns.map(column => column.header)), ...cells.map(render)].join('\n');
}

/** A time for people: UTC, to the second, e.g. `2024-05-01 12:00:00Z`; empty for none. */
export function formatTime(value: Date | string | null | undefined): string {
	if (value === null || value === undefined) {
		return '';
	}

	const date = value instanceof Date ? value : new Date(value);
	return Number.isNaN(date.getTime()) ? String(value) : `${date.toISOString().slice(0, 19).replace('T', ' ')}Z`;
}
