import {HttpHooksError, InvalidHookError, InvalidPayloadError, InvalidSignalError, quote} from '../errors.js';
import {parseHeaders} from '../headers.js';
import {compileHeaders} from '../payload/header-template.js';
import {compileCondition} from '../payload/condition.js';
import {contentTypes} from '../payload/content-types.js';
import {checkInstancePaths, sampleInstance} from '../payload/sample-context.js';
import {resolveSerializer, type SerializerSources} from '../payload/serializer.js';
import type {TemplateLimits} from '../payload/sandbox.js';
import {compileTemplate, isTemplate} from '../payload/template.js';
import {validatePayload} from '../payload/validate-payload.js';
import type {ModelDescription} from '../store/model-catalog.js';
import {checkDeliveryFields, type DeliveryFields} from './delivery-fields.js';
import type {SignalName} from '../signals.js';

export const httpMethods = ['POST', 'PUT', 'PATCH', 'GET', 'DELETE'] as const;

/** The fields of a hook, as createHook takes them. */
export type HookInput = {
	name: string;
	model: string;
	/** Built-in signals (`afterCreate`…) or custom signals' names. */
	signals: SignalName[];
	targetUrl: string;
	httpMethod?: string;
	contentType?: string | null;
	headers?: string | null;
	payloadTemplate?: string | null;
	serializerClass?: string | null;
	secret?: string | null;
	/** The secret before the last rotation: callbacks are signed with it too until previousSecretExpiresAt. */
	previousSecret?: string | null;
	/** When the previous secret stops being used; required with previousSecret. */
	previousSecretExpiresAt?: Date | string | null;
	enabled?: boolean;
	/** Deliver the callbacks of one record (or custom signal `orderingKey`) strictly in creation order. */
	ordered?: boolean;
	/**
	 * A nunjucks expression over the payload's context (`instance`, `changed`, `previous`,
	 * `event_type`, a custom signal's arguments): when it is false for a change, no callback is
	 * written. Null or blank: every change fires.
	 */
	condition?: string | null;
	/** Requests per second, all senders together (a small burst allowed); null: no limit. */
	rateLimit?: number | null;
	/** Requests in flight at once, all senders together; null: no cap. */
	maxInFlight?: number | null;
	/** Attempts per callback (the first included); null: the sender's `delivery.maxAttempts`. */
	maxAttempts?: number | null;
	/** Waits after each failed attempt, in ms (the last repeats); null: the sender's `delivery.retryDelaysMs`. */
	retryDelays?: number[] | null;
};

export type ValidHook = Required<Omit<HookInput, 'contentType' | 'payloadTemplate' | 'serializerClass' | 'secret' | 'headers' | 'previousSecret' | 'previousSecretExpiresAt' | 'condition' | keyof DeliveryFields>> & DeliveryFields & {
	condition: string | null;
	contentType: string | null;
	headers: string;
	payloadTemplate: string | null;
	serializerClass: string | null;
	secret: string | null;
	previousSecret: string | null;
	previousSecretExpiresAt: Date | null;
};

export type ValidationContext = {
	catalog: Map<string, ModelDescription>;
	signalNames: Set<string>;
	serializers: SerializerSources;
	/** Limits of the sample render; the defaults when not given. */
	templateLimits?: TemplateLimits;
};

function blankToNull(value: string | null | undefined): string | null {
	return value === undefined || value === null || value.trim() === '' ? null : value;
}

export function checkTargetUrl(value: unknown): string {
	if (typeof value !== 'string' || value.trim() === '') {
		throw new InvalidHookError(`Target URL ${quote(value)} is empty; give a complete http:// or https:// URL`);
	}

	let url: URL;
	try {
		url = new URL(value.trim());
	} catch {
		throw new InvalidHookError(`Target URL ${quote(value)} is not a valid URL`);
	}

	if (url.protocol !== 'http:' && url.protocol !== 'https:') {
		throw new InvalidHookError(`Target URL ${quote(value)} must use http or https, not ${quote(url.protocol.replace(/:$/, ''))}`);
	}

	// Credentials in a URL are never sent (and would be shown wherever the URL is): a header carries them.
	if (url.username !== '' || url.password !== '') {
		url.username = '';
		url.password = '';
		throw new InvalidHookError(`Target URL ${quote(url.href)} has credentials (user:password@); remove them and send them in a header such as Authorization`);
	}

	return value.trim();
}

export function checkSecret(value: string | null, label = 'Secret'): string | null {
	if (value === null) {
		return null;
	}

	const match = /^whsec_([A-Za-z\d+/]+={0,2})$/.exec(value.trim());
	if (!match || Buffer.from(match[1]!, 'base64').length < 16) {
		throw new InvalidHookError(`${label} must be "whsec_" followed by at least 16 bytes in base64 (the Standard Webhooks format)`);
	}

	return value.trim();
}

/** The end of a previous secret's window: a valid date with a previous secret, nothing without. */
function checkExpiry(value: Date | string | null | undefined, previousSecret: string | null): Date | null {
	const given = value === undefined || value === null || (typeof value === 'string' && value.trim() === '') ? null : value;
	if (previousSecret === null) {
		if (given !== null) {
			throw new InvalidHookError(`previousSecretExpiresAt ${quote(given)} needs a previousSecret`);
		}

		return null;
	}

	if (given === null) {
		throw new InvalidHookError('A previous secret needs previousSecretExpiresAt: the time it stops being used');
	}

	const date = given instanceof Date ? given : new Date(given);
	if (!(date instanceof Date) || Number.isNaN(date.getTime())) {
		throw new InvalidHookError(`previousSecretExpiresAt ${quote(given)} is not a valid date`);
	}

	return date;
}

/**
 * Check every field of a hook; throw the library's error naming the bad value. Templates are
 * compiled, their `instance.…` paths checked against the model, and a render on a made-up
 * instance is validated against the content type.
 */
export async function validateHook(input: HookInput, context: ValidationContext): Promise<ValidHook> {
	return checkFields(input, context);
}

/** Run one field's checks; an error thrown there is tagged with the field, for forms. */
async function field<T>(name: keyof HookInput, check: () => T | Promise<T>): Promise<T> {
	try {
		return await check();
	} catch (error) {
		if (error instanceof HttpHooksError && error.field === undefined) {
			error.field = name;
		}

		throw error;
	}
}

async function checkFields(input: HookInput, context: ValidationContext): Promise<ValidHook> {
	const name = await field('name', () => {
		const trimmed = typeof input.name === 'string' ? input.name.trim() : '';
		if (trimmed === '') {
			throw new InvalidHookError(`Hook name ${quote(input.name)} is empty`);
		}

		return trimmed;
	});

	const model = await field('model', () => {
		const found = context.catalog.get(input.model);
		if (!found) {
			const known = [...context.catalog.keys()];
			throw new InvalidHookError(`Model ${quote(input.model)} is not known${known.length > 0 ? `; known models: ${known.join(', ')}` : ' (no app has registered its models yet)'}`);
		}

		return found;
	});

	const signals = await field('signals', () => {
		if (!Array.isArray(input.signals) || input.signals.length === 0) {
			throw new InvalidSignalError(`A hook needs at least one signal, got ${quote(input.signals)}`);
		}

		for (const signal of input.signals) {
			if (!context.signalNames.has(signal)) {
				throw new InvalidSignalError(`Signal ${quote(signal)} is neither built in nor defined; define it first with createSignal`);
			}
		}

		return [...new Set(input.signals)];
	});

	const targetUrl = await field('targetUrl', () => checkTargetUrl(input.targetUrl));
	const httpMethod = await field('httpMethod', () => {
		const method = (input.httpMethod ?? 'POST').toUpperCase();
		if (!(httpMethods as readonly string[]).includes(method)) {
			throw new InvalidHookError(`HTTP method ${quote(input.httpMethod)} is not one of ${httpMethods.join(', ')}`);
		}

		return method;
	});

	const contentType = await field('contentType', () => {
		const type = blankToNull(input.contentType);
		if (type !== null && !(contentTypes as readonly string[]).includes(type)) {
			throw new InvalidHookError(`Content type ${quote(type)} is not one of ${contentTypes.join(', ')}, or none`);
		}

		return type;
	});

	const sample = {
		instance: sampleInstance(model, context.catalog), event_type: 'created', signal: signals[0], model: model.name, changed: [], previous: {}, args: {},
	};
	const headers = input.headers ?? '';
	await field('headers', () => {
		if (isTemplate(headers)) {
			const template = compileHeaders(headers, context.templateLimits);
			checkInstancePaths(template.instancePaths, model, context.catalog);
			template.render(sample);
		} else {
			parseHeaders(headers);
		}
	});

	const payloadTemplate = await field('payloadTemplate', () => {
		const source = blankToNull(input.payloadTemplate);
		if (source !== null) {
			const template = compileTemplate(source, contentType, undefined, context.templateLimits);
			checkInstancePaths(template.instancePaths, model, context.catalog);
			validatePayload(template.render(sample), contentType);
		}

		return source;
	});

	const condition = await field('condition', () => {
		if (input.condition !== undefined && input.condition !== null && typeof input.condition !== 'string') {
			// An object posing as text is refused, never turned into text by its own methods.
			compileCondition(input.condition, context.templateLimits);
		}

		const source = blankToNull(input.condition);
		if (source !== null) {
			const compiled = compileCondition(source, context.templateLimits);
			try {
				checkInstancePaths(compiled.instancePaths, model, context.catalog);
			} catch (error) {
				throw new InvalidPayloadError((error as Error).message.replace(/^Template reads/, `Condition ${quote(source.trim())} reads`));
			}

			compiled.holds(sample);
		}

		return source;
	});

	const serializerClass = await field('serializerClass', async () => {
		const serializer = blankToNull(input.serializerClass);
		if (serializer !== null) {
			await resolveSerializer(serializer, context.serializers);
		}

		return serializer;
	});

	await field('contentType', () => {
		if (payloadTemplate === null && serializerClass === null && contentType !== null && contentType !== 'application/json') {
			throw new InvalidPayloadError(`The default payload is JSON; content type ${quote(contentType)} needs a payload template`);
		}
	});

	const secret = await field('secret', () => checkSecret(blankToNull(input.secret)));
	const previousSecret = await field('previousSecret', () => {
		const previous = checkSecret(blankToNull(input.previousSecret), 'Previous secret');
		if (previous !== null && secret === null) {
			throw new InvalidHookError('A previous secret needs a current secret: set secret too');
		}

		return previous;
	});
	const previousSecretExpiresAt = await field('previousSecretExpiresAt', () => checkExpiry(input.previousSecretExpiresAt, previousSecret));
	const enabled = await field('enabled', () => {
		if (input.enabled !== undefined && typeof input.enabled !== 'boolean') {
			throw new InvalidHookError(`enabled must be true or false, got ${quote(input.enabled)}`);
		}

		return input.enabled ?? true;
	});
	const ordered = await field('ordered', () => {
		if (input.ordered !== undefined && typeof input.ordered !== 'boolean') {
			throw new InvalidHookError(`ordered must be true or false, got ${quote(input.ordered)}`);
		}

		return input.ordered ?? false;
	});

	const delivery = checkDeliveryFields(input);
	return {name, model: model.name, signals, targetUrl, httpMethod, contentType, headers, payloadTemplate, serializerClass, secret, previousSecret, previousSecretExpiresAt, enabled, ordered, condition, ...delivery};
}
