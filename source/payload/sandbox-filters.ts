import nunjucks from 'nunjucks';
import {checkSize, currentEscape, currentLimits, sizeLimited, tick, TemplateLimitError, type TemplateLimits} from './sandbox-budget.js';
import {boundedJson, display as displayAny, isPlainContainer, ownValue, SafeString, stringOf} from './sandbox-values.js';

/*
 * The filters a sandboxed template may use. nunjucks' own filters read attributes by name through
 * the prototype chain (`join`, `sum`, `sort`, `groupby`, `selectattr`, `rejectattr`), call methods
 * of their input, or repeat as often as an argument says; here each filter takes its input as
 * plain data, reads attributes as own properties only (a dotted path step by step), bounds its
 * repeat counts by the render's limits, and its result counts against the size limit.
 * Left out: `urlize` (markup from data), and the globals `cycler` and `joiner` (objects with methods).
 */

type Filter = (...args: unknown[]) => unknown;
// nunjucks' own filters, used below only behind checks of their input and arguments.
const builtin = (new nunjucks.Environment([]) as unknown as {filters: Record<string, Filter>}).filters;

/** A value printed as templates print it, within the size limit. */
function display(value: unknown): string {
	return sizeLimited(() => displayAny(value, currentLimits().maxOutputBytes));
}

function json(value: unknown, spaces?: number): string {
	return sizeLimited(() => boundedJson(value ?? null, currentLimits().maxOutputBytes, spaces));
}

/** Text about to be built from parts: refused before it is, when it would pass the size limit. */
function checkLength(length: number): void {
	const limit = currentLimits().maxOutputBytes;
	if (length > limit) {
		throw new TemplateLimitError(`produced more than ${limit} bytes`, 'maxOutputBytes');
	}
}

function joinChecked(parts: string[], separator: string): string {
	checkLength(parts.reduce((total, part) => total + part.length, 0) + (separator.length * Math.max(0, parts.length - 1)));
	return parts.join(separator);
}

/** A filter's input as text: a SafeString stays one, anything else is printed as templates print. */
function textOf(value: unknown): string | SafeString {
	return value instanceof SafeString ? value : display(value);
}

function copySafeness(input: unknown, result: string): string | SafeString {
	return input instanceof SafeString ? new SafeString(result) : result;
}

function listOf(value: unknown): unknown[] {
	if (Array.isArray(value)) {
		return value;
	}

	if (typeof value === 'string' || value instanceof SafeString) {
		return [...stringOf(value)];
	}

	throw new Error(`expected a list, got ${display(value) || typeof value}`);
}

/** A count or width given to a filter: a whole number up to the limit given. */
function count(value: unknown, fallback: number, limit: number, what: string, limitName?: keyof TemplateLimits): number {
	const number = value === undefined || value === null ? fallback : Number(value);
	if (!Number.isInteger(number) || number < 0) {
		throw new Error(`${what} must be a whole number, got ${display(value)}`);
	}

	if (number > limit) {
		const message = `${what} ${number} is more than the limit of ${limit}`;
		throw limitName ? new TemplateLimitError(message, limitName) : new Error(message);
	}

	return number;
}

/** `a.b.c` read as own properties, step by step. */
function attribute(item: unknown, path: unknown): unknown {
	const name = typeof path === 'number' ? String(path) : (typeof path === 'string' ? path : undefined);
	if (name === undefined) {
		throw new Error('an attribute name must be text or a number');
	}

	let current = item;
	for (const step of name.split('.')) {
		current = ownValue(current, step);
	}

	return current;
}

function compare(a: unknown, b: unknown, caseSensitive: boolean): number {
	const left = !caseSensitive && typeof a === 'string' ? a.toLowerCase() : a;
	const right = !caseSensitive && typeof b === 'string' ? b.toLowerCase() : b;
	// Only numbers and strings are compared by value: nothing of the items is called.
	if ((typeof left === 'number' || typeof left === 'string') && typeof left === typeof right) {
		return left < (right as typeof left) ? -1 : (left > (right as typeof left) ? 1 : 0);
	}

	return 0;
}

function entries(value: unknown): Array<[string, unknown]> {
	if (!isPlainContainer(value) || Array.isArray(value)) {
		throw new Error('expected an object');
	}

	return Object.keys(value).map(key => [key, ownValue(value, key)]);
}

type Definition = [parameters: string[], run: Filter];

const definitions: Record<string, Definition> = {
	abs: [['value'], value => Math.abs(Number(value))],
	batch: [['value', 'linecount', 'fill_with'], (value, linecount, fill) => builtin['batch']!(listOf(value), count(linecount, 1, currentLimits().maxIterations, 'batch size', 'maxIterations') || 1, fill)],
	capitalize: [['value'], value => builtin['capitalize']!(textOf(value))],
	center: [['value', 'width'], (value, width) => builtin['center']!(textOf(value), count(width, 80, currentLimits().maxOutputBytes, 'center width', 'maxOutputBytes'))],
	default: [['value', 'default_value', 'boolean'], (value, fallback, boolean) => (boolean ? value || fallback : (value === undefined ? fallback : value))],
	dictsort: [['value', 'case_sensitive', 'by'], (value, caseSensitive, by) => {
		if (by !== undefined && by !== 'key' && by !== 'value') {
			throw new Error('dictsort sorts by "key" or "value"');
		}

		const index = by === 'value' ? 1 : 0;
		return entries(value).sort((a, b) => compare(a[index], b[index], Boolean(caseSensitive)));
	}],
	dump: [['value', 'spaces'], (value, spaces) => json(value, count(spaces, 0, 10, 'dump spaces'))],
	escape: [['value'], value => (value instanceof SafeString ? value : new SafeString(currentEscape()(display(value))))],
	first: [['value'], value => ownValue(value, '0')],
	forceescape: [['value'], value => new SafeString(currentEscape()(display(value)))],
	float: [['value', 'default'], (value, fallback) => {
		const number = Number.parseFloat(display(value));
		return Number.isNaN(number) ? fallback : number;
	}],
	groupby: [['value', 'attribute'], (value, name) => {
		const groups = Object.create(null) as Record<string, unknown[]>;
		for (const item of listOf(value)) {
			tick();
			const key = display(attribute(item, name));
			(groups[key] ??= []).push(item);
		}

		return groups;
	}],
	indent: [['value', 'width', 'first'], (value, width, first) => {
		const text = textOf(value);
		const spaces = count(width, 4, currentLimits().maxOutputBytes, 'indent width', 'maxOutputBytes');
		checkLength(stringOf(text).length + (spaces * stringOf(text).split('\n').length));
		return builtin['indent']!(text, spaces, first);
	}],
	int: [['value', 'default', 'base'], (value, fallback, base) => {
		const number = Number.parseInt(display(value), count(base, 10, 36, 'int base'));
		return Number.isNaN(number) ? fallback : number;
	}],
	join: [['value', 'delimiter', 'attribute'], (value, delimiter, name) => {
		const items = listOf(value).map(item => (name === undefined || name === null ? item : attribute(item, name)));
		return joinChecked(items.map(item => display(item)), display(delimiter ?? ''));
	}],
	json: [['value'], value => new SafeString(json(value))],
	last: [['value'], value => {
		const items = listOf(value);
		return ownValue(items, String(items.length - 1));
	}],
	length: [['value'], value => {
		if (typeof value === 'string' || value instanceof SafeString || Array.isArray(value)) {
			return stringOrList(value).length;
		}

		return isPlainContainer(value) ? Object.keys(value).length : 0;
	}],
	list: [['value'], value => (isPlainContainer(value) && !Array.isArray(value) ? entries(value).map(([key, item]) => ({key, value: item})) : [...listOf(value)])],
	lower: [['value'], value => builtin['lower']!(textOf(value))],
	nl2br: [['value'], value => builtin['nl2br']!(textOf(value))],
	reject: [['value', 'test', 'argument'], (value, test, argument) => listOf(value).filter(item => !runTest(test, item, argument))],
	rejectattr: [['value', 'attribute'], (value, name) => listOf(value).filter(item => !attribute(item, name))],
	replace: [['value', 'old', 'new', 'count'], (value, old, replacement, maxCount) => {
		if (typeof old !== 'string' && typeof old !== 'number') {
			throw new Error('replace takes text to look for');
		}

		// As nunjucks: an empty text to look for puts the replacement around every character.
		const text = stringOf(textOf(value));
		const find = String(old);
		let parts = find === '' ? ['', ...text, ''] : text.split(find);
		const most = maxCount === undefined || maxCount === null || find === '' ? undefined : count(maxCount, 0, Number.MAX_SAFE_INTEGER, 'replace count');
		if (most !== undefined && parts.length - 1 > most) {
			parts = [...parts.slice(0, most), parts.slice(most).join(find)];
		}

		return copySafeness(value, joinChecked(parts, display(replacement)));
	}],
	reverse: [['value'], value => (Array.isArray(value) ? [...value].reverse() : copySafeness(value, [...stringOf(textOf(value))].reverse().join('')))],
	round: [['value', 'precision', 'method'], (value, precision, method) => builtin['round']!(Number(value), count(precision, 0, 100, 'round precision'), method)],
	safe: [['value'], value => (value instanceof SafeString ? value : new SafeString(display(value)))],
	select: [['value', 'test', 'argument'], (value, test, argument) => listOf(value).filter(item => runTest(test, item, argument))],
	selectattr: [['value', 'attribute'], (value, name) => listOf(value).filter(item => Boolean(attribute(item, name)))],
	slice: [['value', 'slices', 'fill_with'], (value, slices, fill) => builtin['slice']!(listOf(value), count(slices, 1, currentLimits().maxIterations, 'slice count', 'maxIterations') || 1, fill)],
	sort: [['value', 'reverse', 'case_sensitive', 'attribute'], (value, reverse, caseSensitive, name) => {
		const key = (item: unknown) => (name === undefined || name === null ? item : attribute(item, name));
		const sorted = [...listOf(value)].sort((a, b) => compare(key(a), key(b), Boolean(caseSensitive)));
		return reverse ? sorted.reverse() : sorted;
	}],
	string: [['value'], value => copySafeness(value, display(value))],
	striptags: [['value', 'preserve_linebreaks'], (value, preserve) => builtin['striptags']!(textOf(value), preserve)],
	sum: [['value', 'attribute', 'start'], (value, name, start) => listOf(value)
		.map(item => (name === undefined || name === null ? item : attribute(item, name)))
		.reduce<number>((total, item) => total + Number(item), Number(start ?? 0))],
	title: [['value'], value => builtin['title']!(textOf(value))],
	trim: [['value'], value => builtin['trim']!(textOf(value))],
	truncate: [['value', 'length', 'killwords', 'end'], (value, length, killwords, end) => builtin['truncate']!(textOf(value), count(length, 255, Number.MAX_SAFE_INTEGER, 'truncate length') || 255, killwords, end === undefined || end === null ? undefined : display(end))],
	upper: [['value'], value => builtin['upper']!(textOf(value))],
	urlencode: [['value'], value => {
		if (isPlainContainer(value) && !Array.isArray(value)) {
			return entries(value).map(([key, item]) => `${encodeURIComponent(key)}=${encodeURIComponent(display(item))}`).join('&');
		}

		return encodeURIComponent(display(value));
	}],
	wordcount: [['value'], value => builtin['wordcount']!(textOf(value))],
};

function stringOrList(value: string | SafeString | unknown[]): {length: number} {
	return Array.isArray(value) ? value : stringOf(value);
}

let testTable: Record<string, Filter> = Object.create(null) as Record<string, Filter>;

function runTest(name: unknown, item: unknown, argument: unknown): boolean {
	const test = typeof name === 'string' ? testTable[name] : (name === undefined ? testTable['truthy'] : undefined);
	if (!test) {
		throw new Error(`no test named ${display(name)}`);
	}

	return test(item, argument) === true;
}

/** nunjucks' tests (`is odd`, `is defined`…): predicates that only look at their values. */
export function tests(builtinTests: Record<string, unknown>): Record<string, Filter> {
	testTable = Object.create(null) as Record<string, Filter>;
	for (const [name, test] of Object.entries(builtinTests)) {
		if (typeof test === 'function') {
			testTable[name] = test as Filter;
		}
	}

	return testTable;
}

function isKeywordArguments(value: unknown): value is Record<string, unknown> {
	return isPlainContainer(value) && !Array.isArray(value) && Object.hasOwn(value, '__keywords');
}

/** A filter with keyword arguments resolved, counted as work, and its result checked for size. */
function sandboxFilter([parameters, run]: Definition): Filter {
	return (...given: unknown[]) => {
		tick();
		const keywords = isKeywordArguments(given.at(-1)) ? given.pop() as Record<string, unknown> : undefined;
		const args = parameters.map((name, index) => (keywords && Object.hasOwn(keywords, name) ? keywords[name] : given[index]));
		return checkSize(run(...args));
	};
}

export const safeFilters: Record<string, Filter> = Object.fromEntries(Object.entries(definitions).map(([name, definition]) => [name, sandboxFilter(definition)]));
safeFilters['d'] = safeFilters['default']!;
safeFilters['e'] = safeFilters['escape']!;
