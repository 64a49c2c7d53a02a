/** Small text helpers of the console: fixed-width cells, times, counts. */
import {safeText} from '../safe-text.js';

/** Cut or pad to exactly `width` characters (one line), control characters shown escaped. */
export function cell(text: string, width: number, align: 'left' | 'right' = 'left'): string {
	const line = safeText(text).replaceAll(/\s+/g, ' ');
	if (width <= 0) {
		return '';
	}

	if (line.length > width) {
		return width === 1 ? '…' : `${line.slice(0, width - 1)}…`;
	}

	return align === 'right' ? line.padStart(width) : line.padEnd(width);
}

/** Cut to at most `width` characters, without padding, control characters shown escaped. */
export function cut(text: string, width: number): string {
	const line = safeText(text);
	return line.length > width ? `${line.slice(0, Math.max(0, width - 1))}…` : line;
}

function toDate(value: Date | string): Date {
	return value instanceof Date ? value : new Date(value);
}

/** `2024-05-01 12:00:00` in local time: what a person compares with their clock. */
export function dateTime(value: Date | string | null | undefined): string {
	if (value === null || value === undefined) {
		return '';
	}

	const date = toDate(value);
	const pad = (number: number) => String(number).padStart(2, '0');
	return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
}

/** The time alone when it is today, else the date and time. */
export function shortTime(value: Date | string | null | undefined, now = new Date()): string {
	const full = dateTime(value);
	return full.slice(0, 10) === dateTime(now).slice(0, 10) ? full.slice(11) : full.slice(0, 16);
}

export function count(number: number): string {
	return number.toLocaleString('en-US');
}

export function plural(number: number, word: string): string {
	return `${count(number)} ${word}${number === 1 ? '' : 's'}`;
}

/** Split text into lines of at most `width` characters (long lines are broken, never hidden). */
export function wrapLines(text: string, width: number): string[] {
	const lines: string[] = [];
	for (const line of text.replaceAll('\t', '  ').split(/\r?\n/)) {
		if (line.length <= width || width <= 0) {
			lines.push(line);
			continue;
		}

		for (let start = 0; start < line.length; start += width) {
			lines.push(line.slice(start, start + width));
		}
	}

	return lines;
}
