import type {CallbackDetail} from '../../source/operations/browse-callbacks.js';
import type {HookStats} from '../../source/operations/stats.js';
import {limitsText, scheduleText} from '../format-limits.js';
import type {HookPreview} from '../../source/operations/preview-hook.js';
import {duration, latency, percent} from '../format-stats.js';
import {safeText} from '../safe-text.js';
import type {HookRow} from './console-source.js';
import {dateTime, plural, wrapLines} from './format.js';
import {maskHeaderJson, maskHeaderText} from './mask-headers.js';
import type {Theme} from './theme.js';

/** One line of a detail pane. */
export type DetailLine = {text: string; color?: string; bold?: boolean; dim?: boolean};

const labelWidth = 13;

// Every text of a detail pane comes through `heading`, `field` or `section`, which show control
// characters escaped (before wrapping, so that the escapes are wrapped like any text).
function heading(text: string, style: Omit<DetailLine, 'text'>): DetailLine {
	return {text: safeText(text), ...style};
}

function field(label: string, value: string, width: number): DetailLine[] {
	const [first = '', ...rest] = wrapLines(safeText(value, {lines: true}), Math.max(10, width - labelWidth));
	return [{text: `${label.padEnd(labelWidth)}${first}`}, ...rest.map(line => ({text: `${' '.repeat(labelWidth)}${line}`}))];
}

function section(title: string, body: string[], width: number): DetailLine[] {
	return [
		{text: ''},
		{text: title, bold: true},
		...(body.length === 0 ? [{text: '  (none)', dim: true}] : body.flatMap(line => wrapLines(safeText(line, {lines: true}), Math.max(10, width - 2)).map(text => ({text: `  ${text}`})))),
	];
}

/** A payload as people read it: JSON pretty-printed, anything else as stored. */
export function readablePayload(payload: string | null): string[] {
	if (payload === null || payload === '') {
		return [];
	}

	try {
		return JSON.stringify(JSON.parse(payload), null, 2).split('\n');
	} catch {
		return payload.split(/\r?\n/);
	}
}

function rotating(hook: HookRow): boolean {
	return Boolean(hook.previousSecret) && Boolean(hook.previousSecretExpiresAt) && new Date(hook.previousSecretExpiresAt!).getTime() > Date.now();
}

/** Lag, success rate and latency of the last hour, as `hooks stats` prints them; `undefined` while they load. */
function deliveryFields(stats: HookStats | undefined, width: number): DetailLine[] {
	if (!stats) {
		return field('Delivery', 'reading the last hour…', width);
	}

	return [
		...field('Lag', stats.lagSeconds === null ? 'none: nothing due is waiting' : `${duration(stats.lagSeconds)}: the oldest due callback has waited that long`, width),
		...field('Last hour', stats.attempts === 0
			? 'no attempts'
			: `${plural(stats.attempts, 'attempt')} · ${percent(stats.successRate)} answered 2xx · p50 ${latency(stats.p50Ms)} · p95 ${latency(stats.p95Ms)}`, width),
	];
}

export function hookDetailLines(hook: HookRow, width: number, theme: Theme, stats?: HookStats): DetailLine[] {
	return [
		heading(`Hook ${hook.id} · ${hook.name} · ${hook.enabled ? 'enabled' : 'disabled'}`, {bold: true, color: theme.enabled(hook.enabled)}),
		...(!hook.enabled && hook.disabledReason ? field('Disabled', `${hook.disabledReason} · ${dateTime(hook.disabledAt)} · enable to resume its waiting callbacks`, width) : []),
		...field('Model', hook.model, width),
		...field('Signals', hook.signals.join(', '), width),
		...field('Request', `${hook.httpMethod} ${hook.targetUrl} · ${hook.contentType ?? 'no content type'}`, width),
		...(hook.serializerClass ? field('Serializer', hook.serializerClass, width) : []),
		...field('Condition', hook.condition ? hook.condition : 'none: every change fires', width),
		...(hook.ordered ? field('Order', 'per record: each record\'s callbacks go out in creation order', width) : []),
		...(limitsText(hook) ? field('Limits', `${limitsText(hook, {burst: true})}, all senders together`, width) : []),
		...(scheduleText(hook) ? field('Retries', `${scheduleText(hook)} (the hook's own schedule)`, width) : []),
		...field('Secret', hook.secret ? `set (never shown); requests are signed${rotating(hook) ? ` · rotating: the previous secret also signs until ${dateTime(hook.previousSecretExpiresAt!)}` : ''}` : 'none', width),
		...field('Queue', `${hook.waiting} waiting · ${hook.error} error`, width),
		...deliveryFields(stats, width),
		...field('Changed', `${dateTime(hook.updatedAt)} (created ${dateTime(hook.createdAt)})`, width),
		...section('Headers', hook.headers.trim() === '' ? [] : maskHeaderText(hook.headers).split('\n'), width),
		...section('Payload template', hook.payloadTemplate ? hook.payloadTemplate.split(/\r?\n/) : [hook.serializerClass ? `(serializer ${hook.serializerClass})` : '(the default payload)'], width),
	];
}

export function callbackDetailLines(callback: CallbackDetail, width: number, theme: Theme): DetailLine[] {
	const attempts = callback.attemptRows.flatMap(attempt => {
		const outcome = attempt.statusCode === null ? 'no response' : `HTTP ${attempt.statusCode}`;
		return [
			`#${attempt.attempt}  ${dateTime(attempt.startedAt)} · ${attempt.durationMs} ms · ${outcome}${attempt.error ? ` · ${attempt.error}` : ''}`,
			...(attempt.responseBody ? [`    response: ${attempt.responseBody.replaceAll(/\s+/g, ' ').slice(0, 2000)}`] : []),
		];
	});
	return [
		heading(`Callback ${callback.id} · ${callback.status} · ${plural(callback.attempts, 'attempt')}`, {bold: true, color: theme.status(callback.status)}),
		...field('Status', callback.statusDetails || '—', width),
		...field('Hook', `${callback.hookName}${callback.hookId === null ? ' (deleted)' : ` (id ${callback.hookId})`} · ${callback.eventType}${callback.model ? ` on ${callback.model}${callback.objectId === null ? '' : ` ${callback.objectId}`}` : ''}`, width),
		...field('Request', `${callback.httpMethod} ${callback.targetUrl} · ${callback.contentType ?? 'no content type'}`, width),
		...field('Webhook id', callback.webhookId, width),
		...field('Created', `${dateTime(callback.createdAt)}${callback.status === 'waiting' && callback.nextAttemptAt ? ` · next attempt ${dateTime(callback.nextAttemptAt)}` : ''}`, width),
		...section('Headers', maskHeaderJson(callback.headers), width),
		...section('Payload', readablePayload(callback.payload), width),
		...section(`Attempts (${callback.attemptRows.length})`, attempts, width),
	];
}

function conditionText({expression, holds, error}: HookPreview['condition']): string {
	if (expression === null) {
		return 'none: every change fires';
	}

	return `${expression} → ${error ? `fails: ${error} (a change now stores an error callback)` : holds ? 'holds' : 'does not hold (a change now writes no callback)'}`;
}

/** A preview of a hook's request for one record: what `hooks preview` prints, as detail lines. */
export function previewDetailLines(preview: HookPreview, width: number, theme: Theme): DetailLine[] {
	const bad = preview.error !== null || preview.condition.error !== null;
	return [
		heading(`Preview · ${preview.model} ${preview.recordId} · ${preview.signal} (${preview.eventType}) · nothing sent`, {bold: true, color: bad ? theme.tone('error') : preview.condition.holds === false ? theme.status('waiting') : theme.tone('success')}),
		...field('Condition', conditionText(preview.condition), width),
		...field('Request', `${preview.method} ${preview.url}`, width),
		...(preview.error ? field('Cannot build', preview.error, width) : []),
		...field('Read with', preview.readWith === 'app' ? 'the app\'s model' : 'the recorded catalog (no app code)', width),
		...section('Headers', preview.headers ? Object.entries(preview.headers).map(([name, value]) => `${name}: ${value}`) : [], width),
		...section('Body', readablePayload(preview.body), width),
		...(preview.notes.length > 0 ? section('Not shown by this preview', preview.notes.map(note => `- ${note}`), width) : []),
	];
}
