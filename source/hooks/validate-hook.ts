import {InvalidHookError, InvalidPayloadError, InvalidSignalError, quote} from '../errors.js';
import {parseHeaders} from '../headers.js';
import {contentTypes} from '../payload/content-types.js';
import {checkInstancePaths, sampleInstance} from '../payload/sample-context.js';
import {resolveSerializer, type SerializerClass} from '../payload/serializer.js';
import {compileTemplate, isTemplate} from '../payload/template.js';
import {validatePayload} from '../payload/validate-payload.js';
import type {ModelDescription} from '../store/model-catalog.js';

export const httpMethods = ['POST', 'PUT', 'PATCH', 'GET', 'DELETE'] as const;

/** The fields of a hook, as createHook takes them. */
export type HookInput = {
	name: string;
	model: string;
	signals: string[];
	targetUrl: string;
	httpMethod?: string;
	contentType?: string | null;
	headers?: string | null;
	payloadTemplate?: string | null;
	serializerClass?: string | null;
	secret?: string | null;
	enabled?: boolean;
};

export type ValidHook = Required<Omit<HookInput, 'contentType' | 'payloadTemplate' | 'serializerClass' | 'secret' | 'headers'>> & {
	contentType: string | null;
	headers: string;
	payloadTemplate: string | null;
	serializerClass: string | null;
	secret: string | null;
};

export type ValidationContext = {
	catalog: Map<string, ModelDescription>;
	signalNames: Set<string>;
	serializers: Record<string, SerializerClass>;
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

	return value.trim();
}

export function checkSecret(value: string | null): string | null {
	if (value === null) {
		return null;
	}

	const match = /^whsec_([A-Za-z\d+/]+={0,2})$/.exec(value.trim());
	if (!match || Buffer.from(match[1]!, 'base64').length < 16) {
		throw new InvalidHookError('Secret must be "whsec_" followed by at least 16 bytes in base64 (the Standard Webhooks format)');
	}

	return value.trim();
}

/**
 * Check every field of a hook; throw the library's error naming the bad value. Templates are
 * compiled, their `instance.…` paths checked against the model, and a render on a made-up
 * instance is validated against the content type.
 */
export async function validateHook(input: HookInput, context: ValidationContext): Promise<ValidHook> {
	const name = typeof input.name === 'string' ? input.name.trim() : '';
	if (name === '') {
		throw new InvalidHookError(`Hook name ${quote(input.name)} is empty`);
	}

	const model = context.catalog.get(input.model);
	if (!model) {
		const known = [...context.catalog.keys()];
		throw new InvalidHookError(`Model ${quote(input.model)} is not known${known.length > 0 ? `; known models: ${known.join(', ')}` : ' (no app has registered its models yet)'}`);
	}

	if (!Array.isArray(input.signals) || input.signals.length === 0) {
		throw new InvalidSignalError(`A hook needs at least one signal, got ${quote(input.signals)}`);
	}

	for (const signal of input.signals) {
		if (!context.signalNames.has(signal)) {
			throw new InvalidSignalError(`Signal ${quote(signal)} is neither built in nor defined; define it first with createSignal`);
		}
	}

	const targetUrl = checkTargetUrl(input.targetUrl);
	const httpMethod = (input.httpMethod ?? 'POST').toUpperCase();
	if (!(httpMethods as readonly string[]).includes(httpMethod)) {
		throw new InvalidHookError(`HTTP method ${quote(input.httpMethod)} is not one of ${httpMethods.join(', ')}`);
	}

	const contentType = blankToNull(input.contentType);
	if (contentType !== null && !(contentTypes as readonly string[]).includes(contentType)) {
		throw new InvalidHookError(`Content type ${quote(contentType)} is not one of ${contentTypes.join(', ')}, or none`);
	}

	const headers = input.headers ?? '';
	const sample = {
		instance: sampleInstance(model, context.catalog), event_type: 'created', signal: input.signals[0], model: model.name, changed: [], previous: {}, args: {},
	};
	if (isTemplate(headers)) {
		const template = compileTemplate(headers, null, 'Header template');
		checkInstancePaths(template.instancePaths, model, context.catalog);
		parseHeaders(template.render(sample));
	} else {
		parseHeaders(headers);
	}

	const payloadTemplate = blankToNull(input.payloadTemplate);
	if (payloadTemplate !== null) {
		const template = compileTemplate(payloadTemplate, contentType);
		checkInstancePaths(template.instancePaths, model, context.catalog);
		validatePayload(template.render(sample), contentType);
	}

	const serializerClass = blankToNull(input.serializerClass);
	if (serializerClass !== null) {
		await resolveSerializer(serializerClass, context.serializers);
	}

	if (payloadTemplate === null && contentType !== null && contentType !== 'application/json' && serializerClass === null) {
		throw new InvalidPayloadError(`The default payload is JSON; content type ${quote(contentType)} needs a payload template`);
	}

	if (input.enabled !== undefined && typeof input.enabled !== 'boolean') {
		throw new InvalidHookError(`enabled must be true or false, got ${quote(input.enabled)}`);
	}

	return {
		name, model: model.name, signals: [...new Set(input.signals)], targetUrl, httpMethod, contentType, headers, payloadTemplate, serializerClass,
		secret: checkSecret(blankToNull(input.secret)), enabled: input.enabled ?? true,
	};
}
