import type {FieldChange} from '../source/hooks/ensure-hook.js';
import type {ImportPlan} from '../source/hooks/hook-document.js';
import {safeText} from './safe-text.js';

function shown(value: unknown): string {
	const text = JSON.stringify(value instanceof Date ? value.toISOString() : value ?? null);
	return text.length > 80 ? `${text.slice(0, 77)}…` : text;
}

/** `targetUrl: "http://a" → "http://b"`; a secret only as changed. */
function changeLine(change: FieldChange): string {
	return change.secret ? `${change.field}: changed` : `${change.field}: ${shown(change.from)} → ${shown(change.to)}`;
}

/** The plan of an import as a diff people read: + created, ~ updated (field by field), = unchanged. */
export function importDiff(plan: ImportPlan): string {
	const lines = plan.signals.map(name => `+ signal ${JSON.stringify(name)}`);
	for (const step of plan.hooks) {
		const name = JSON.stringify(step.name);
		const id = step.id === undefined ? '' : ` (id ${step.id})`;
		const mark = step.outcome === 'created' ? '+' : step.outcome === 'updated' ? '~' : '=';
		lines.push(`${mark} hook ${name}${id}${step.outcome === 'unchanged' ? ': unchanged' : ''}`, ...step.changes.map(change => `    ${changeLine(change)}`), ...step.notes.map(note => `    note: ${note}`));
	}

	return safeText(lines.join('\n'), {lines: true});
}

/** The plan for --json: secret values never, only that they change. */
export function importJson(plan: ImportPlan, dryRun: boolean) {
	const count = (outcome: string) => plan.hooks.filter(step => step.outcome === outcome).length;
	return {
		dryRun,
		signalsCreated: plan.signals,
		created: count('created'),
		updated: count('updated'),
		unchanged: count('unchanged'),
		hooks: plan.hooks.map(step => ({
			name: step.name, id: step.id ?? null, outcome: step.outcome, notes: step.notes,
			changes: step.changes.map(change => change.secret ? {field: change.field, secret: true} : {field: change.field, from: change.from, to: change.to}),
		})),
	};
}

export function importSummary(plan: ImportPlan, dryRun: boolean): string {
	const {created, updated, unchanged} = importJson(plan, dryRun);
	const signals = plan.signals.length > 0 ? `, ${plan.signals.length} signal${plan.signals.length === 1 ? '' : 's'} created` : '';
	return `${dryRun ? 'Would import' : 'Imported'}: ${created} created, ${updated} updated, ${unchanged} unchanged${signals}${dryRun ? ' (dry run: nothing changed)' : ''}`;
}
