import type {Sequelize} from 'sequelize';
import {compileHook, type HookDefinition} from '../capture/compile-hook.js';
import {newWebhookId} from '../capture/record-callbacks.js';
import type {DeliverySettings} from '../delivery/delivery-settings.js';
import {HookSecrets} from '../delivery/hook-secrets.js';
import {HttpClient, type OutgoingRequest} from '../delivery/http-client.js';
import {NetworkGuard, parseAllowedNetworks} from '../delivery/network-guard.js';
import {OutgoingRequests} from '../delivery/outgoing-request.js';
import {secretKey} from '../delivery/sign.js';
import {HttpHooksError, quote} from '../errors.js';
import {buildRequest, templateContext, type Firing} from '../payload/build-request.js';
import type {TemplateLimits} from '../payload/sandbox.js';
import type {SerializerSources} from '../payload/serializer.js';
import type {ModelDescription} from '../store/model-catalog.js';
import {eventTypeOf, isBuiltInSignal} from '../signals.js';
import {maskHeaderValue, maskUrl, maskUrlsInText} from './mask-credentials.js';
import {readRecord} from './preview-record.js';

/** What a preview shows: the request a hook would send for one record now, and, sent, the answer. */
export type HookPreview = {
	hookId: number | null;
	hookName: string;
	model: string;
	recordId: string;
	signal: string;
	eventType: string;
	/** `app`: the app's own model read the record (serializers, associations, getters); `catalog`: read without app code. */
	readWith: 'app' | 'catalog';
	condition: {expression: string | null; holds: boolean | null; error: string | null};
	method: string;
	url: string;
	/** The request's headers as the sender sends them (webhook-id, signature…), credentials masked unless showSecrets; null when they cannot be built. */
	headers: Record<string, string> | null;
	body: string | null;
	/** Why the request cannot be built (as its callback's `error` would say), or cannot be built here. */
	error: string | null;
	/** What this preview could not do, and so does not show. */
	notes: string[];
	sent: boolean;
	/** Why `send` sent nothing: the condition does not hold, or the request cannot be built. */
	notSent?: string;
	response?: {statusCode: number | null; durationMs: number; error: string | null; body: string | null};
};

export type PreviewOptions = {
	/** Which of the hook's signals fires; default its first. The record is as it is now: `changed` is empty. */
	signal?: string;
	/** Send the request once to the hook's URL (not when the condition fails or the body cannot be built). */
	send?: boolean;
	/** Show credentials in the URL and headers as they are; default masked. */
	showSecrets?: boolean;
};

export type PreviewSubject = HookDefinition & {
	secret?: string | null;
	/** A hook being edited and not saved yet: it signs with its own secret, never the stored one. */
	draft?: boolean;
};

export type PreviewServices = {
	sequelize: Sequelize;
	catalog: Map<string, ModelDescription>;
	serializers: SerializerSources;
	limits?: TemplateLimits;
	delivery: DeliverySettings;
};

function describe(error: unknown): string {
	return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/** The keys the sender would sign with: the stored hook's (a rotation's previous one too), or a draft's own secret. */
async function signingKey(services: PreviewServices, hook: PreviewSubject): Promise<Buffer | Buffer[] | null> {
	if (hook.draft || hook.id <= 0) {
		return hook.secret ? secretKey(hook.secret) : null;
	}

	const secrets = new HookSecrets(services.sequelize);
	await secrets.load([hook.id]);
	const key = secrets.keyOf(hook.id);
	if (key instanceof Error) {
		throw key;
	}

	return key;
}

/** Notes on what a preview without the app's code leaves out, for this hook. */
function catalogNotes(hook: PreviewSubject, description: ModelDescription | undefined, paths: string[][]): string[] {
	const associations = new Set(description?.associations.map(association => association.as) ?? []);
	const read = [...new Set(paths.map(([head]) => head).filter(head => head !== undefined && associations.has(head)))];
	return [
		'read from the table as stored, without the app\'s code: getters, virtual attributes and serializers are not applied',
		...read.map(name => `instance.${name} is an association: without the app's code it is not loaded and reads as empty here (httpHooks.previewHook() in the app loads it)`),
		...(hook.serializerClass && !hook.payloadTemplate ? [`the body comes from serializer ${quote(hook.serializerClass)}, app code this program never loads: no body here (httpHooks.previewHook() in the app builds it)`] : []),
	];
}

/**
 * The request a hook would send for one record as it is now, built by the capture's own code
 * (condition, template or serializer or default payload, headers) and the sender's (webhook-id,
 * User-Agent, signature); with `send`, sent once through the sender's HTTP client and network
 * guard. No callback is written. Where the process lacks the app's model, the record is read
 * through the catalog and the preview says what it cannot show (`notes`).
 */
export async function previewHook(services: PreviewServices, hook: PreviewSubject, recordId: unknown, options: PreviewOptions = {}): Promise<HookPreview> {
	const signal = options.signal ?? hook.signals[0];
	if (signal === undefined || !hook.signals.includes(signal)) {
		throw new HttpHooksError(`Signal ${quote(signal)} is not one of hook ${quote(hook.name)}'s signals (${hook.signals.join(', ')})`);
	}

	const {instance, live} = await readRecord(services.sequelize, services.catalog, hook.model, recordId);
	const appCode = live || services.serializers.load;
	const serializerHere = !hook.serializerClass || hook.payloadTemplate || appCode;
	const compiled = await compileHook(serializerHere ? hook : {...hook, serializerClass: null}, services.serializers, services.limits);
	const firing: Firing = {signal, eventType: eventTypeOf(signal, signal === 'afterCreate'), instance, transaction: null, args: {}};
	const reveal = Boolean(options.showSecrets);
	const preview: HookPreview = {
		hookId: hook.draft ? null : hook.id, hookName: hook.name, model: hook.model, recordId: String(recordId), signal, eventType: firing.eventType,
		readWith: live ? 'app' : 'catalog',
		condition: {expression: hook.condition?.trim() ? hook.condition : null, holds: null, error: null},
		method: hook.httpMethod, url: reveal ? hook.targetUrl : maskUrl(hook.targetUrl), headers: null, body: null, error: null,
		notes: live ? [] : catalogNotes(hook, services.catalog.get(hook.model), compiled.instancePaths),
		sent: false,
	};

	if (compiled.condition) {
		try {
			preview.condition.holds = compiled.condition.holds(await templateContext(compiled, firing));
		} catch (error) {
			preview.condition.error = describe(error);
		}
	} else if (compiled.problem && preview.condition.expression) {
		preview.condition.error = describe(compiled.problem);
	} else {
		preview.condition.holds = true;
	}

	let request: OutgoingRequest | undefined;
	try {
		const built = await buildRequest(compiled, firing);
		request = new OutgoingRequests(services.delivery.userAgent).build({
			id: 0, hookId: preview.hookId, webhookId: newWebhookId(), targetUrl: hook.targetUrl, httpMethod: hook.httpMethod,
			contentType: hook.contentType, headers: JSON.stringify(built.headers), payload: built.payload, attempts: 0, orderingKey: null,
		}, await signingKey(services, hook));
		preview.headers = reveal ? request.headers : Object.fromEntries(Object.entries(request.headers).map(([name, value]) => [name, maskHeaderValue(name, value)]));
		preview.body = serializerHere ? request.body : null;
	} catch (error) {
		preview.error = describe(error);
	}

	if (!isBuiltInSignal(signal)) {
		preview.notes.push(`${signal} is a custom signal: its arguments are empty in a preview`);
	}

	if (options.send) {
		await sendOnce(services.delivery, preview, serializerHere ? request : undefined);
	}

	return preview;
}

/** Send the previewed request once, as the sender would; not when the hook would send nothing. */
async function sendOnce(delivery: DeliverySettings, preview: HookPreview, request: OutgoingRequest | undefined): Promise<void> {
	if (preview.condition.holds === false) {
		preview.notSent = `the condition does not hold for ${preview.model} ${quote(preview.recordId)}, so a change would send nothing either`;
		return;
	}

	if (!request || preview.condition.error) {
		preview.notSent = preview.condition.error ?? preview.error ?? 'the body comes from a serializer, app code this process does not run';
		return;
	}

	const client = new HttpClient({
		timeoutMs: delivery.timeoutMs, maxSockets: 1,
		guard: delivery.blockPrivateNetworks ? new NetworkGuard(parseAllowedNetworks(delivery.allowedNetworks)) : undefined,
	});
	try {
		const result = await client.send(request);
		preview.sent = true;
		preview.response = {statusCode: result.statusCode, durationMs: result.durationMs, error: result.error === null ? null : maskUrlsInText(result.error), body: result.responseBody};
	} finally {
		client.close();
	}
}
