import {createHash, randomUUID} from 'node:crypto';
import type {Sequelize, Transaction} from 'sequelize';
import {buildRequest, objectIdOf, type Firing} from '../payload/build-request.js';
import {InvalidPayloadError, quote} from '../errors.js';
import type {CompiledHook} from './compile-hook.js';

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
	'content_type', 'headers', 'payload', 'status', 'status_details', 'attempts', 'next_attempt_at', 'created_at', 'updated_at', 'ordering_key',
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

type CallbackRow = unknown[];

/**
 * Build the callback row of one firing. When the payload or headers cannot be built, the row is
 * stored with status `error` and the reason, unless `raise` (raiseExceptions) is set.
 */
export async function callbackRow(hook: CompiledHook, firing: Firing, raise: boolean, onError: (error: Error) => void): Promise<CallbackRow> {
	const {definition} = hook;
	const now = new Date();
	let request: {payload: string | null; headers: Record<string, string>} = {payload: null, headers: {}};
	let status = 'waiting';
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

	return [
		definition.id, definition.name, definition.model, objectIdOf(firing.instance), firing.eventType, newWebhookId(),
		definition.targetUrl, definition.httpMethod, definition.contentType, JSON.stringify(request.headers), request.payload,
		status, details, 0, status === 'waiting' ? now : null, now, now, orderingKey,
	];
}

/** Insert callback rows in one statement, inside the triggering transaction. */
export async function insertCallbacks(sequelize: Sequelize, rows: CallbackRow[], transaction?: Transaction | null): Promise<void> {
	if (rows.length === 0) {
		return;
	}

	const placeholders = `(${columns.map(() => '?').join(', ')})`;
	await sequelize.query(
		`INSERT INTO http_callbacks (${columns.join(', ')}) VALUES ${rows.map(() => placeholders).join(', ')}`,
		{replacements: rows.flat(), transaction: transaction ?? undefined, type: 'INSERT' as never},
	);
}
