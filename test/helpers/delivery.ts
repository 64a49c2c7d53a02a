import {createHmac} from 'node:crypto';
import type {IncomingHttpHeaders} from 'node:http';
import type {ExecutionContext} from 'ava';
import {registerHttpHooks, type HttpHooks, type HttpHooksOptions, type HookInput} from '../../source/index.js';
import type {AttemptAttributes, CallbackAttributes} from '../../source/store/models.js';
import {defineAppModels, type AppModels} from './app.js';
import type {TestDatabase} from './database.js';

export type DeliveryApp = {httpHooks: HttpHooks; app: AppModels; hookId: number};

/**
 * The app of the tests with one hook on Owner.afterCreate sending to `targetUrl`. The handle is
 * closed with the database, before it goes (its listener would see the database dropped).
 */
export async function appWithHook(t: ExecutionContext, database: TestDatabase, hook: Partial<HookInput> & {targetUrl: string}, options: HttpHooksOptions = {}): Promise<DeliveryApp> {
	const app = await defineAppModels(database.sequelize);
	const httpHooks = await registerHttpHooks(database.sequelize, options);
	const closeDatabase = database.close.bind(database);
	database.close = async () => {
		await httpHooks.close();
		await closeDatabase();
	};

	t.teardown(async () => httpHooks.close());
	const created = await httpHooks.createHook({
		name: 'owner created',
		model: 'Owner',
		signals: ['afterCreate'],
		contentType: 'application/json',
		payloadTemplate: '{"id": {{instance.id}}, "name": "{{instance.name}}"}',
		...hook,
	});
	return {httpHooks, app, hookId: created.id};
}

/** Create owners (one callback each) and return the callback rows. */
export async function createOwners({httpHooks, app}: DeliveryApp, names: string[]): Promise<CallbackAttributes[]> {
	await app.Owner.bulkCreate(names.map(name => ({name})));
	return callbackRows(httpHooks);
}

export async function callbackRows(httpHooks: HttpHooks): Promise<CallbackAttributes[]> {
	const rows = await httpHooks.models.Callback.findAll({order: [['id', 'ASC']]});
	return rows.map(row => row.get({plain: true}) as CallbackAttributes);
}

export async function callbackRow(httpHooks: HttpHooks, id: number): Promise<CallbackAttributes> {
	const row = await httpHooks.models.Callback.findByPk(id);
	if (!row) {
		throw new Error(`no callback ${id}`);
	}

	return row.get({plain: true}) as CallbackAttributes;
}

export async function attemptRows(httpHooks: HttpHooks, callbackId: number): Promise<AttemptAttributes[]> {
	const rows = await httpHooks.models.Attempt.findAll({where: {callbackId}, order: [['id', 'ASC']]});
	return rows.map(row => row.get({plain: true}) as AttemptAttributes);
}

/** Make every waiting callback due now (instead of waiting for its retry time). */
export async function makeDue(httpHooks: HttpHooks): Promise<void> {
	await httpHooks.models.Callback.update({nextAttemptAt: new Date(Date.now() - 1000)}, {where: {status: 'waiting'}});
}

/** Verify a Standard Webhooks signature the way a receiver does. */
export function verifySignature(headers: IncomingHttpHeaders, body: string, secret: string): boolean {
	const id = headers['webhook-id'];
	const timestamp = headers['webhook-timestamp'];
	const signatures = headers['webhook-signature'];
	if (typeof id !== 'string' || typeof timestamp !== 'string' || typeof signatures !== 'string') {
		return false;
	}

	const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
	const expected = createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64');
	return signatures.split(' ').some(signature => signature === `v1,${expected}`);
}
