import {Text} from 'ink';
import {bindingsFor, displayKeys, type Context} from '../keymap.js';

/** The footer's hints for a set of contexts, from the keymap: `n new · e edit · ? help`. */
export function footerHints(contexts: readonly Context[]): string {
	const seen = new Set<string>();
	const hints: string[] = [];
	for (const binding of bindingsFor(contexts)) {
		if (binding.footer && !seen.has(binding.action)) {
			seen.add(binding.action);
			hints.push(`${displayKeys(binding)} ${binding.label}`);
		}
	}

	return hints.join(' · ');
}

export function Footer({contexts}: {contexts: readonly Context[]}) {
	return <Text dimColor wrap="truncate-end">{` ${footerHints(contexts)}`}</Text>;
}
