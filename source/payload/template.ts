import nunjucks from 'nunjucks';
import {InvalidPayloadError, quote} from '../errors.js';
import {escapeFor, type Escape} from './escape.js';

export type CompiledTemplate = {
	/** The paths under `instance` that the template reads, such as `['owner', 'name']`. */
	readonly instancePaths: string[][];
	render(context: Record<string, unknown>): string;
};

// Names that lead from plain data to functions and prototypes: a template may not look them up.
const forbidden = new Set(['constructor', '__proto__', 'prototype', '__defineGetter__', '__defineSetter__', '__lookupGetter__', '__lookupSetter__']);

const environment = new nunjucks.Environment(null, {autoescape: true, throwOnUndefined: false});
// `| json` writes any value as JSON, never escaped again.
environment.addFilter('json', (value: unknown) => new nunjucks.runtime.SafeString(JSON.stringify(value ?? null)));

type AstNode = {typename: string; fields?: string[]; children?: AstNode[]; value?: unknown; target?: AstNode; val?: AstNode; [key: string]: unknown};

function walk(node: unknown, visit: (node: AstNode) => void): void {
	if (!node || typeof node !== 'object') {
		return;
	}

	const astNode = node as AstNode;
	visit(astNode);
	for (const field of astNode.fields ?? []) {
		walk(astNode[field], visit);
	}

	for (const child of astNode.children ?? []) {
		walk(child, visit);
	}
}

/** `instance.owner.name` → ['owner', 'name']; undefined for lookups not rooted at `instance`. */
function instancePath(node: AstNode): string[] | undefined {
	const path: string[] = [];
	let current: AstNode | undefined = node;
	while (current?.typename === 'LookupVal') {
		const key = current.val?.value;
		if (typeof key !== 'string') {
			return undefined;
		}

		path.unshift(key);
		current = current.target;
	}

	return current?.typename === 'Symbol' && current.value === 'instance' ? path : undefined;
}

function inspect(source: string, label: string): string[][] {
	let ast: unknown;
	try {
		ast = (nunjucks as unknown as {parser: {parse(source: string, extensions: unknown[], options: object): unknown}}).parser.parse(source, [], {});
	} catch (error) {
		throw new InvalidPayloadError(`${label} does not compile: ${(error as Error).message}`, {cause: error});
	}

	const paths = new Map<string, string[]>();
	walk(ast, node => {
		const name = node.typename === 'LookupVal' ? node.val?.value : (node.typename === 'Symbol' ? node.value : undefined);
		if (typeof name === 'string' && forbidden.has(name)) {
			throw new InvalidPayloadError(`${label} may not use ${quote(name)}: templates see data only`);
		}

		if (node.typename === 'LookupVal') {
			const path = instancePath(node);
			if (path && path.length > 0) {
				paths.set(path.join('.'), path);
			}
		}
	});
	return [...paths.values()];
}

const lib = nunjucks.lib as unknown as {escape: Escape};
type MemberLookup = (object: unknown, key: unknown) => unknown;
const runtime = nunjucks.runtime as unknown as {memberLookup: MemberLookup};
const memberLookup = runtime.memberLookup;
// A key computed at render time (`instance[name]`) is checked too, not only literal names.
const guardedLookup: MemberLookup = (object, key) => forbidden.has(String(key)) ? undefined : memberLookup(object, key);

/**
 * Compile a nunjucks template once. Output is escaped for the content type: nunjucks' own
 * autoescape calls `lib.escape`, which is swapped for the content type's escape during the
 * (synchronous) render, so `| safe`, `| json` and `| escape` keep their usual meaning. Member
 * lookups are guarded the same way, so a computed key cannot reach a prototype either.
 */
export function compileTemplate(source: string, contentType: string | null, label = 'Payload template'): CompiledTemplate {
	const instancePaths = inspect(source, label);
	let template: nunjucks.Template;
	try {
		template = new nunjucks.Template(source, environment, undefined, true);
	} catch (error) {
		throw new InvalidPayloadError(`${label} does not compile: ${(error as Error).message}`, {cause: error});
	}

	const escape = escapeFor(contentType) ?? ((text: string) => text);
	return {
		instancePaths,
		render(context) {
			const original = lib.escape;
			lib.escape = escape;
			runtime.memberLookup = guardedLookup;
			try {
				return template.render(context);
			} catch (error) {
				throw new InvalidPayloadError(`${label} failed to render: ${(error as Error).message.replace(/^\(unknown path\)\s*/, '')}`, {cause: error});
			} finally {
				lib.escape = original;
				runtime.memberLookup = memberLookup;
			}
		},
	};
}

/** True when text holds template syntax and so must be rendered (used for header text). */
export function isTemplate(text: string): boolean {
	return text.includes('{{') || text.includes('{%');
}
