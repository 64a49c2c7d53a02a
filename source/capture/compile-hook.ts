import {parseHeaders} from '../headers.js';
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
};

/** A hook made ready to fire: templates compiled and the serializer imported, once. */
export type CompiledHook = {
	definition: HookDefinition;
	template?: CompiledTemplate;
	serialize?: Serialize;
	/** Parsed header text, or, when the text holds `{{ }}`, rows whose values are rendered one by one. */
	headers?: Record<string, string>;
	headerTemplate?: CompiledHeaders;
	/** Association paths the templates read, loaded before rendering. */
	instancePaths: string[][];
	/** Why this hook cannot build requests; its callbacks are stored as errors with this reason. */
	problem?: Error;
	/** The limits its renders and payloads keep. */
	limits: TemplateLimits;
};

export async function compileHook(definition: HookDefinition, serializers: SerializerSources, limits: TemplateLimits = defaultTemplateLimits): Promise<CompiledHook> {
	const compiled: CompiledHook = {definition, instancePaths: [], limits};
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

		compiled.instancePaths = [...compiled.template?.instancePaths ?? [], ...compiled.headerTemplate?.instancePaths ?? []];
	} catch (error) {
		compiled.problem = error as Error;
	}

	return compiled;
}
