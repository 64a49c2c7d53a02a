import {InvalidPayloadError} from '../errors.js';
import {escapeFor} from './escape.js';
import {compileSandboxed, defaultTemplateLimits, SandboxSyntaxError, TemplateLimitError, type AstNode, type SandboxTemplate, type TemplateLimits, walk} from './sandbox.js';

export type CompiledTemplate = {
	/** The paths under `instance` that the template reads, such as `['owner', 'name']`. */
	readonly instancePaths: string[][];
	/** The parsed template, for callers that check its shape (conditions). */
	readonly ast: AstNode;
	render(context: Record<string, unknown>): string;
};

// The option that changes each limit, named in the error.
const limitOptions: Record<keyof TemplateLimits, string> = {timeoutMs: 'templateTimeoutMs', maxIterations: 'templateMaxIterations', maxOutputBytes: 'maxPayloadBytes'};

/** `instance.owner.name` → ['owner', 'name']; undefined for lookups not rooted at `instance`. */
function instancePath(node: AstNode): string[] | undefined {
	const path: string[] = [];
	let current: AstNode | undefined = node;
	while (current?.typename === 'LookupVal') {
		const key = (current['val'] as AstNode | undefined)?.value;
		if (typeof key !== 'string') {
			return undefined;
		}

		path.unshift(key);
		current = current['target'] as AstNode | undefined;
	}

	return current?.typename === 'Symbol' && current.value === 'instance' ? path : undefined;
}

function instancePaths(ast: AstNode): string[][] {
	const paths = new Map<string, string[]>();
	walk(ast, node => {
		if (node.typename === 'LookupVal') {
			const path = instancePath(node);
			if (path && path.length > 0) {
				paths.set(path.join('.'), path);
			}
		}
	});
	return [...paths.values()];
}

/** The library's error for a sandbox error, naming the template and, for a limit, its option. */
function payloadError(error: unknown, label: string, doing: string): InvalidPayloadError {
	if (error instanceof TemplateLimitError) {
		return new InvalidPayloadError(`${label} ${error.message} (option ${limitOptions[error.limit]})`, {cause: error});
	}

	if (error instanceof SandboxSyntaxError) {
		return new InvalidPayloadError(`${label} ${error.message}`, {cause: error});
	}

	const message = error instanceof Error ? error.message : String(error);
	return new InvalidPayloadError(`${label} ${doing}: ${message.replace(/^\(unknown path\)\s*/, '')}`, {cause: error});
}

/**
 * Compile a nunjucks template once, for the sandbox (see sandbox.ts). `{{ value }}` output is
 * escaped for the content type; `| safe`, `| json` and `| escape` keep their usual meaning.
 * Each render is bounded by `limits`.
 */
export function compileTemplate(source: string, contentType: string | null, label = 'Payload template', limits: TemplateLimits = defaultTemplateLimits): CompiledTemplate {
	let template: SandboxTemplate;
	try {
		template = compileSandboxed(source);
	} catch (error) {
		throw payloadError(error, label, 'does not compile');
	}

	const escape = escapeFor(contentType) ?? ((text: string) => text);
	return {
		instancePaths: instancePaths(template.ast),
		ast: template.ast,
		render(context) {
			try {
				return template.render(context, {escape, limits});
			} catch (error) {
				throw payloadError(error, label, 'failed to render');
			}
		},
	};
}

/** True when text holds template syntax and so must be rendered (used for header text). */
export function isTemplate(text: string): boolean {
	return text.includes('{{') || text.includes('{%');
}

/** A serializer's output (or any payload built without a template) may not pass the size limit either. */
export function checkPayloadSize(payload: string, limits: TemplateLimits = defaultTemplateLimits): void {
	if (payload.length > limits.maxOutputBytes || Buffer.byteLength(payload) > limits.maxOutputBytes) {
		throw new InvalidPayloadError(`Payload is larger than ${limits.maxOutputBytes} bytes (option maxPayloadBytes)`);
	}
}
