import type {Model, ModelStatic, Transaction} from 'sequelize';
import type {CompiledHook} from '../capture/compile-hook.js';
import {changesOf, loadInstanceData, plainData, toPlain, type PlainData} from './instance-data.js';
import {checkPayloadSize} from './template.js';
import {validatePayload} from './validate-payload.js';

/** One firing of a signal on one instance. */
export type Firing = {
	signal: string;
	eventType: string;
	instance: Model;
	transaction?: Transaction | null;
	/** A custom signal's arguments. */
	args?: Record<string, unknown>;
};

export type BuiltRequest = {payload: string; headers: Record<string, string>};

// The context of a firing, built once for its condition and its templates.
const contexts = new WeakMap<Firing, {hook: CompiledHook; context: Promise<PlainData>}>();

/** The template context (and the condition's): data only, never the live instance. Built once per firing. */
export async function templateContext(hook: CompiledHook, firing: Firing): Promise<PlainData> {
	const known = contexts.get(firing);
	if (known?.hook === hook) {
		return known.context;
	}

	const context = buildContext(hook, firing);
	contexts.set(firing, {hook, context});
	return context;
}

async function buildContext(hook: CompiledHook, firing: Firing): Promise<PlainData> {
	const model = firing.instance.constructor as ModelStatic<Model>;
	const instance = await loadInstanceData(firing.instance, hook.instancePaths, firing.transaction);
	const args = plainArgs(firing);
	return {
		...args,
		args,
		instance,
		event_type: firing.eventType,
		signal: firing.signal,
		model: model.name,
		...(firing.eventType === 'updated' ? changesOf(firing.instance) : {changed: [], previous: {}}),
	};
}

// A custom signal's arguments come from app code and may hold model instances: plain data too.
function plainArgs(firing: Firing): PlainData {
	const args = toPlain(firing.args ?? {});
	return args && typeof args === 'object' && !Array.isArray(args) ? args as PlainData : {};
}

export function objectIdOf(instance: Model): string | null {
	const key = (instance.constructor as ModelStatic<Model>).primaryKeyAttribute;
	const value = key ? instance.get(key) : undefined;
	return value === undefined || value === null ? null : String(value);
}

function defaultPayload(firing: Firing, data: PlainData): unknown {
	const model = firing.instance.constructor as ModelStatic<Model>;
	const serialization = {...data};
	delete serialization[model.primaryKeyAttribute];
	return {
		object_type: model.name,
		object_id: toPlain(firing.instance.get(model.primaryKeyAttribute)) ?? null,
		event_type: firing.eventType,
		object_serialization: serialization,
		...(firing.args && Object.keys(firing.args).length > 0 ? {signal_arguments: plainArgs(firing)} : {}),
	};
}

/**
 * Build the body and headers of one callback. Precedence: payload template, then serializer,
 * then the default payload. The result is validated against the hook's content type.
 */
export async function buildRequest(hook: CompiledHook, firing: Firing): Promise<BuiltRequest> {
	if (hook.problem) {
		throw hook.problem;
	}

	const needsContext = hook.template ?? hook.headerTemplate;
	const context = needsContext ? await templateContext(hook, firing) : undefined;

	let payload: string;
	if (hook.template) {
		payload = hook.template.render(context!);
	} else if (hook.serialize) {
		// The serializer is app code and gets the live instance; what it returns goes through
		// toPlain, so a model instance in it (or the instance itself) leaves without hidden attributes.
		payload = JSON.stringify(toPlain(await hook.serialize(firing.instance)) ?? null);
	} else {
		payload = JSON.stringify(defaultPayload(firing, plainData(firing.instance)));
	}

	checkPayloadSize(payload, hook.limits);
	// The default payload and serializers give JSON: said so when the hook names no content type.
	const contentType = hook.definition.contentType ?? (hook.template ? null : 'application/json');
	validatePayload(payload, contentType);

	const headers = hook.headerTemplate ? hook.headerTemplate.render(context!) : {...hook.headers};
	if (contentType) {
		for (const name of Object.keys(headers)) {
			if (name.toLowerCase() === 'content-type') {
				delete headers[name];
			}
		}

		headers['Content-Type'] = contentType;
	}

	return {payload, headers};
}
