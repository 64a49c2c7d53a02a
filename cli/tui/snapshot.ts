import type {ConsoleSource} from './console-source.js';
import {briefDetails} from '../brief-details.js';
import {cell, dateTime} from './format.js';

function table(headers: Array<[string, number, ('left' | 'right')?]>, rows: string[][]): string[] {
	const line = (cells: string[]) => cells.map((text, index) => cell(text, headers[index]![1], headers[index]![2])).join('  ').trimEnd();
	return [line(headers.map(([title]) => title)), ...rows.map(row => line(row))];
}

/**
 * The console's content as plain text, for when there is no terminal to draw on (a pipe, CI):
 * every hook with its queue counts, and the newest callbacks.
 */
export async function plainSnapshot(source: ConsoleSource, {callbacks = 20}: {callbacks?: number} = {}): Promise<string> {
	const hooks = await source.hooks();
	const page = await source.pageCallbacks({}, {limit: callbacks});
	const lines = [`Hooks (${hooks.length})`];
	lines.push(...hooks.length === 0 ? ['  none'] : table(
		[['ID', 4, 'right'], ['NAME', 24], ['MODEL', 14], ['SIGNALS', 28], ['STATE', 8], ['WAITING', 7, 'right'], ['ERROR', 6, 'right'], ['METHOD URL', 60]],
		hooks.map(hook => [String(hook.id), hook.name, hook.model, hook.signals.join(','), hook.enabled ? 'enabled' : 'disabled', String(hook.waiting), String(hook.error), `${hook.httpMethod} ${hook.targetUrl}`]),
	));
	lines.push('', `Newest callbacks (${page.rows.length}${page.nextBeforeId === undefined ? '' : ', more exist'})`);
	lines.push(...page.rows.length === 0 ? ['  none'] : table(
		[['ID', 8, 'right'], ['CREATED', 19], ['STATUS', 7], ['HOOK', 20], ['EVENT', 10], ['TRIES', 5, 'right'], ['DETAILS', 50]],
		page.rows.map(row => [String(row.id), dateTime(row.createdAt), row.status, row.hookName, row.eventType, String(row.attempts), briefDetails(row.statusDetails ?? '')]),
	));
	return `${lines.join('\n')}\n`;
}
