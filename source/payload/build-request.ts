import type {Model, ModelStatic, Transaction} from 'sequelize';
import type {CompiledHook} from '../capture/compile-hook.js';
import {loadInstanceData, plainData, type PlainData} from './instance-data.js';
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

// What an update changed; other events change nothing.
function changes(instance: Model, eventType: string): {changed: string[]; previous: PlainData} {
	const changed = eventType === 'updated' ? instance.changed() : false;
	const names = Array.isArray(changed) ? changed : [];
	const previous: PlainData = {};
	for (const name of names) {
		previous[name] = instance.previous(name as never);
	}

	return {changed: names, previous: JSON.parse(JSON.stringify(previous)) as PlainData};
}

/** The template context: data only, never the live instance. */
async function templateContext(hook: CompiledHook, firing: Firing): Promise<PlainData> {
	const model = firing.instance.constructor as ModelStatic<Model>;
	const instance = await loadInstanceData(firing.instance, hook.instancePaths, firing.transaction);
	return {
		...firing.args,
		args: firing.args ?? {},
		instance,
		event_type: firing.eventType,
		signal: firing.signal,
		model: model.name,
		...changes(firing.instance, firing.eventType),
	};
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
		object_id: firing.instance.get(model.primaryKeyAttribute) ?? null,
		event_type: firing.eventType,
		object_serialization: serialization,
		...(firing.args && Object.keys(firing.args).length > 0 ? {signal_arguments: firing.args} : {}),
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
		payload = JSON.stringify(await hook.serialize(firing.instance) ?? null);
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
