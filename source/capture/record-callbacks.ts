import {createHash, randomUUID} from 'node:crypto';
import type {Sequelize, Transaction} from 'sequelize';
import {dialectOf} from '../store/dialects/index.js';
import {runDirect} from '../store/direct-statement.js';
import type {DirectDriver} from '../store/dialects/dialect.js';
import {buildRequest, objectIdOf, type Firing} from '../payload/build-request.js';
import {InvalidPayloadError, quote} from '../errors.js';
import type {CompiledHook} from './compile-hook.js';
import {currentTraceparent} from '../observability/tracing.js';

export const statusDetailsLimit = 512;

export function cut(text: string, limit: number): string {
	return text.length > limit ? text.slice(0, limit) : text;
}

/** A Standard Webhooks message id: stable across retries of one callback. */
export function newWebhookId(): string {
	return `msg_${randomUUID().replaceAll('-', '')}`;
}

const columns = [
	'hook_id', 'hook_name', 'model', 'object_id', 'event_type', 'webhook_id', 'target_url', 'http_method',
	'content_type', 'headers', 'payload', 'status', 'status_details', 'attempts', 'next_attempt_at', 'created_at', 'updated_at', 'ordering_key', 'traceparent',
] as const;

const orderingKeyLimit = 255;

/**
 * The ordering key of a firing of an ordered hook: the custom signal's `orderingKey` argument,
 * or the model and primary key. A key too long for its column is replaced by its SHA-256.
 */
export function orderingKeyOf(model: string, firing: Firing): string | null {
	const given = firing.args?.['orderingKey'];
	let key: string | null;
	if (given === undefined || given === null) {
		const id = objectIdOf(firing.instance);
		key = id === null ? null : `${model}:${id}`;
	} else if ((typeof given === 'string' && given !== '') || (typeof given === 'number' && Number.isFinite(given))) {
		key = String(given);
	} else {
		throw new InvalidPayloadError(`orderingKey ${quote(given)} of signal ${quote(firing.signal)} must be a non-empty string or a number`);
	}

	return key !== null && key.length > orderingKeyLimit ? `sha256:${createHash('sha256').update(key).digest('hex')}` : key;
}

/** One callback row, as the capture builds it. */
export type CallbackRow = {
	hookId: number;
	hookName: string;
	model: string;
	objectId: string | null;
	eventType: string;
	webhookId: string;
	targetUrl: string;
	httpMethod: string;
	contentType: string | null;
	headers: string;
	payload: string | null;
	status: 'waiting' | 'error';
	statusDetails: string | null;
	createdAt: Date;
	orderingKey: string | null;
	/** The app's trace active at capture (with OpenTelemetry), else null. */
	traceparent: string | null;
};

/**
 * Build the callback row of one firing. When the payload or headers cannot be built, the row is
 * stored with status `error` and the reason, unless `raise` (raiseExceptions) is set.
 */
export async function callbackRow(hook: CompiledHook, firing: Firing, raise: boolean, onError: (error: Error) => void): Promise<CallbackRow> {
	const {definition} = hook;
	const now = new Date();
	let request: {payload: string | null; headers: Record<string, string>} = {payload: null, headers: {}};
	let status: CallbackRow['status'] = 'waiting';
	let details: string | null = null;
	let orderingKey: string | null = null;
	try {
		orderingKey = definition.ordered ? orderingKeyOf(definition.model, firing) : null;
		request = await buildRequest(hook, firing);
	} catch (error) {
		if (raise) {
			throw error;
		}

		onError(error as Error);
		status = 'error';
		details = cut(`${(error as Error).name}: ${(error as Error).message}`, statusDetailsLimit);
	}

	return {
		hookId: definition.id, hookName: definition.name, model: definition.model, objectId: objectIdOf(firing.instance),
		eventType: firing.eventType, webhookId: newWebhookId(), targetUrl: definition.targetUrl, httpMethod: definition.httpMethod,
		contentType: definition.contentType, headers: JSON.stringify(request.headers), payload: request.payload,
		status, statusDetails: details, createdAt: now, orderingKey, traceparent: currentTraceparent(),
	};
}

/** The same callback as an `error` that keeps only what identifies it, with the reason. */
export function errorRow(row: CallbackRow, reason: string): CallbackRow {
	return {...row, headers: '{}', payload: null, status: 'error', statusDetails: cut(reason, statusDetailsLimit), orderingKey: null};
}

// One statement text per number of rows and placeholder style: values are always bound, never
// inlined, so any value (NUL, quotes, `$1`, `?`, `:name`, megabytes) reaches the column as it is.
const insertSql = new Map<string, string>();
function insertStatement(count: number, placeholders: DirectDriver['placeholders']): string {
	const key = `${placeholders}:${count}`;
	let sql = insertSql.get(key);
	if (!sql) {
		const place = placeholders === 'numbered' ? (index: number) => `$${index + 1}` : () => '?';
		const rows = Array.from({length: count}, (_, row) => `(${columns.map((_, column) => place((row * columns.length) + column)).join(', ')})`);
		sql = `INSERT INTO http_callbacks (${columns.join(', ')}) VALUES ${rows.join(', ')}`;
		insertSql.set(key, sql);
	}

	return sql;
}

/** Insert callback rows in multi-row statements with bound values, inside the given transaction. */
export async function insertCallbacks(sequelize: Sequelize, rows: CallbackRow[], transaction?: Transaction | null): Promise<void> {
	if (rows.length === 0) {
		return;
	}

	const {time, rowsPerInsert, bytesPerInsert, direct} = dialectOf(sequelize);
	for (const chunk of chunks(rows, rowsPerInsert, bytesPerInsert)) {
		await runDirect(sequelize, insertStatement(chunk.length, direct.placeholders), insertValues(chunk, time), transaction);
	}
}

/** Rows in statements of at most `count` rows and (where the dialect has a limit) about `bytes` bound bytes. */
function chunks(rows: CallbackRow[], count: number, bytes: number | undefined): CallbackRow[][] {
	const result: CallbackRow[][] = [];
	let chunk: CallbackRow[] = [];
	let size = 0;
	for (const row of rows) {
		// Payload and headers are what weighs; the other columns are short. Characters count as 4 bytes at most.
		const weight = bytes === undefined ? 0 : 4 * ((row.payload?.length ?? 0) + row.headers.length + 1024);
		if (chunk.length >= count || (chunk.length > 0 && size + weight > bytes!)) {
			result.push(chunk);
			chunk = [];
			size = 0;
		}

		chunk.push(row);
		size += weight;
	}

	if (chunk.length > 0) {
		result.push(chunk);
	}

	return result;
}

function insertValues(rows: CallbackRow[], time: (date: Date) => string): unknown[] {
	const values: unknown[] = [];
	for (const row of rows) {
		const created = time(row.createdAt);
		values.push(
			row.hookId, row.hookName, row.model, row.objectId, row.eventType, row.webhookId, row.targetUrl, row.httpMethod,
			row.contentType, row.headers, row.payload, row.status, row.statusDetails, 0, row.status === 'waiting' ? created : null,
			created, created, row.orderingKey, row.traceparent,
		);
	}

	return values;
}
