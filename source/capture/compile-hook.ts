import {parseHeaders} from '../headers.js';
import {compileCondition, type CompiledCondition} from '../payload/condition.js';
import {compileHeaders, type CompiledHeaders} from '../payload/header-template.js';
import {defaultTemplateLimits, type TemplateLimits} from '../payload/sandbox.js';
import {compileTemplate, isTemplate, type CompiledTemplate} from '../payload/template.js';
import {resolveSerializer, type Serialize, type SerializerSources} from '../payload/serializer.js';

/** What the capture path needs of a hook row. */
export type HookDefinition = {
	id: number;
	name: string;
	model: string;
	signals: string[];
	targetUrl: string;
	httpMethod: string;
	contentType: string | null;
	headers: string;
	payloadTemplate: string | null;
	serializerClass: string | null;
	/** Callbacks carry an ordering key (see orderingKeyOf). */
	ordered?: boolean;
	/** A nunjucks expression; when false for a change, no callback (see hook-condition.ts). */
	condition?: string | null;
};

/** A hook made ready to fire: templates compiled and the serializer imported, once. */
export type CompiledHook = {
	definition: HookDefinition;
	template?: CompiledTemplate;
	serialize?: Serialize;
	/** Parsed header text, or, when the text holds `{{ }}`, rows whose values are rendered one by one. */
	headers?: Record<string, string>;
	headerTemplate?: CompiledHeaders;
	/** The condition a change must meet to fire the hook. */
	condition?: CompiledCondition;
	/** Association paths the templates read, loaded before rendering. */
	instancePaths: string[][];
	/** Why this hook cannot build requests; its callbacks are stored as errors with this reason. */
	problem?: Error;
	/** The limits its renders and payloads keep. */
	limits: TemplateLimits;
};

export async function compileHook(definition: HookDefinition, serializers: SerializerSources, limits: TemplateLimits = defaultTemplateLimits): Promise<CompiledHook> {
	const compiled: CompiledHook = {definition, instancePaths: [], limits};
	// The condition first and on its own: a hook whose payload cannot be built still fires only when it holds.
	try {
		compiled.condition = definition.condition?.trim() ? compileCondition(definition.condition, limits) : undefined;
	} catch (error) {
		compiled.problem = error as Error;
	}

	try {
		if (isTemplate(definition.headers)) {
			compiled.headerTemplate = compileHeaders(definition.headers, limits);
		} else {
			compiled.headers = parseHeaders(definition.headers);
		}

		if (definition.payloadTemplate) {
			compiled.template = compileTemplate(definition.payloadTemplate, definition.contentType, undefined, limits);
		} else if (definition.serializerClass) {
			compiled.serialize = await resolveSerializer(definition.serializerClass, {...serializers, load: true});
		}
	} catch (error) {
		compiled.problem ??= error as Error;
	}

	compiled.instancePaths = [...compiled.template?.instancePaths ?? [], ...compiled.headerTemplate?.instancePaths ?? [], ...compiled.condition?.instancePaths ?? []];

	return compiled;
}
