import type {HookRow} from '../console-source.js';

/**
 * Whether a hook matches the hooks screen's search: the text, case aside, in its name, model,
 * signals, method or target URL. A blank search matches every hook.
 */
export function matchesHook(hook: HookRow, search: string): boolean {
	const wanted = search.trim().toLowerCase();
	if (wanted === '') {
		return true;
	}

	return [hook.name, hook.model, hook.signals.join(' '), `${hook.httpMethod} ${hook.targetUrl}`].some(text => text.toLowerCase().includes(wanted));
}
