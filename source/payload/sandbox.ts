import nunjucks from 'nunjucks';
import {safeFilters, tests} from './sandbox-filters.js';
import {beginRender, checkSize, sizeLimited, currentEscape, currentLimits, defaultTemplateLimits, iterate, tick, TemplateLimitError, type TemplateLimits} from './sandbox-budget.js';
import {display, isPlainContainer, ownValue, SafeString, stringOf, toPlainData} from './sandbox-values.js';

export {defaultTemplateLimits, TemplateLimitError, type TemplateLimits} from './sandbox-budget.js';

/**
 * The nunjucks sandbox that payload and header templates (and anything else a hook editor
 * writes as a template or an expression) run in. Hook fields come from operators and the values
 * from end users, so a template must never reach a function of the app or of JavaScript:
 *
 * - The template runs on a runtime of its own (never nunjucks' shared one): a member lookup takes
 *   only a string or number key, converted once, and reads only own data properties of plain
 *   objects, arrays and strings; it never returns a function. Values are printed without calling
 *   any method of theirs.
 * - The only callables are the template's own macros (and `caller`) and the global `range`;
 *   nothing else can be called. The context is copied to plain data first.
 * - Filters are the library's own (see sandbox-filters.ts); `cycler`, `joiner`, includes,
 *   imports, `extends`, blocks and regular expressions are refused when the template is compiled.
 * - Each render has limits: time, loop iterations (with macro calls), and string sizes.
 */

/** The template uses something the sandbox refuses; thrown at compile time. */
export class SandboxSyntaxError extends Error {
	override name = 'SandboxSyntaxError';
}

export type RenderOptions = {
	/** How `{{ value }}` output is escaped (the content type's escape); default none. */
	escape?: (text: string) => string;
	limits?: TemplateLimits;
};

export type SandboxTemplate = {
	/** The parsed template, for callers that inspect what it reads. */
	readonly ast: AstNode;
	/** Render on a copy of the context as plain data; throws TemplateLimitError or the template's own error. */
	render(context: Record<string, unknown>, options?: RenderOptions): string;
};

export type AstNode = {typename: string; fields?: string[]; children?: AstNode[]; value?: unknown; [key: string]: unknown};

// Names that lead from data to functions and prototypes; refused outright for a clear error
// (the runtime would return nothing for them anyway).
export const forbiddenNames = new Set(['constructor', '__proto__', 'prototype', '__defineGetter__', '__defineSetter__', '__lookupGetter__', '__lookupSetter__']);

// Tags that load other templates, define blocks for them, call extensions, or exist for async
// filters (there are none: the sandbox renders synchronously).
const refusedNodes: Record<string, string> = {
	Include: '{% include %}', Import: '{% import %}', FromImport: '{% from … import %}', Extends: '{% extends %}',
	Block: '{% block %}', Super: 'super()', CallExtension: 'extensions', CallExtensionAsync: 'extensions',
	AsyncEach: '{% asyncEach %}', AsyncAll: '{% asyncAll %}', IfAsync: '{% ifAsync %}', FilterAsync: 'async filters',
};

// Functions a template may call: its macros (and callers) and the globals below, nothing else.
const callables = new WeakSet<object>();

function range(start: unknown, stop?: unknown, step?: unknown): number[] {
	tick();
	let from = Number(start);
	let to = Number(stop);
	if (stop === undefined) {
		from = 0;
		to = Number(start);
	}

	const by = step === undefined ? 1 : Number(step);
	if (![from, to, by].every(Number.isFinite) || by === 0) {
		throw new Error('range() takes finite numbers and a step other than 0');
	}

	const count = Math.max(0, Math.ceil((to - from) / by));
	const limit = currentLimits().maxIterations;
	if (count > limit) {
		throw new TemplateLimitError(`asked range() for ${count} numbers, more than ${limit}`, 'maxIterations');
	}

	return Array.from({length: count}, (_, index) => from + (index * by));
}

callables.add(range);
const globals: Record<string, unknown> = Object.assign(Object.create(null) as Record<string, unknown>, {range});

const baseRuntime = nunjucks.runtime as unknown as Record<string, unknown> & {
	Frame: new (parent?: unknown, isolateWrites?: boolean) => FrameLike;
	makeMacro(argNames: string[], kwargNames: string[], func: (...args: unknown[]) => unknown): (...args: unknown[]) => unknown;
};

type FrameLike = {variables: Record<string, unknown>; parent?: FrameLike; topLevel: boolean; set(name: string, value: unknown, resolveUp?: boolean): void; lookup(name: string): unknown; push(isolateWrites?: boolean): FrameLike};

/** nunjucks' frame, counting loop iterations and checking the size of what a template keeps. */
class SandboxFrame extends baseRuntime.Frame {
	override set(name: string, value: unknown, resolveUp?: boolean): void {
		if (name === 'loop.index') {
			iterate();
		}

		checkSize(value);
		super.set(name, value, resolveUp);
	}

	override push(isolateWrites?: boolean): FrameLike {
		return new SandboxFrame(this, isolateWrites);
	}
}

/** What the compiled template asks of its context: variables and exports, no blocks. */
class SandboxContext {
	readonly exported: string[] = [];
	constructor(readonly ctx: Record<string, unknown>) {}

	setVariable(name: string, value: unknown): void {
		this.ctx[name] = value;
	}

	getVariables(): Record<string, unknown> {
		return this.ctx;
	}

	addExport(name: string): void {
		this.exported.push(name);
	}

	lookup(name: string): unknown {
		return lookupName(this, name);
	}
}

// Top-level names: the context's data, the template's own top-level macros, then the globals.
function lookupName(context: SandboxContext, name: string): unknown {
	for (const table of [context.ctx, globals]) {
		if (Object.hasOwn(table, name)) {
			const value = table[name];
			return typeof value === 'function' && !callables.has(value) ? undefined : value;
		}
	}

	return undefined;
}

function keyOf(key: unknown): string | undefined {
	if (typeof key === 'string') {
		return key;
	}

	if (typeof key === 'number') {
		return String(key);
	}

	return key instanceof SafeString ? stringOf(key) : undefined;
}

const sandboxRuntime = {
	...baseRuntime,
	Frame: SandboxFrame,
	memberLookup(object: unknown, key: unknown): unknown {
		tick();
		const name = keyOf(key);
		return name === undefined ? undefined : ownValue(object, name);
	},
	contextOrFrameLookup(context: SandboxContext, frame: FrameLike, name: string): unknown {
		tick();
		const value = frame.lookup(name);
		return value === undefined ? lookupName(context, name) : value;
	},
	callWrap(callee: unknown, name: string, context: unknown, args: unknown[]): unknown {
		tick();
		if (typeof callee !== 'function' || !callables.has(callee)) {
			throw new Error(`Unable to call \`${name}\`, which is ${callee === undefined || callee === null ? 'undefined' : 'not a macro or range'}`);
		}

		return (callee as (...args: unknown[]) => unknown).apply(context, args);
	},
	makeMacro(argNames: string[], kwargNames: string[], func: (...args: unknown[]) => unknown) {
		const macro = baseRuntime.makeMacro(argNames, kwargNames, function (this: unknown, ...args: unknown[]) {
			iterate();
			return func.apply(this, args);
		});
		callables.add(macro);
		return macro;
	},
	SafeString: function (value: string) {
		return new SafeString(checkSize(value));
	},
	suppressValue(value: unknown, autoescape: boolean): string | SafeString {
		tick();
		if (value instanceof SafeString) {
			return checkSize(value);
		}

		const text = checkSize(sizeLimited(() => display(value, currentLimits().maxOutputBytes)));
		return autoescape ? currentEscape()(text) : text;
	},
	fromIterator(value: unknown): unknown {
		if (typeof value === 'string' || Array.isArray(value)) {
			return value;
		}

		if (value instanceof SafeString) {
			return stringOf(value);
		}

		return isPlainContainer(value) ? value : [];
	},
	inOperator(key: unknown, value: unknown): boolean {
		tick();
		if (typeof value === 'string' || value instanceof SafeString) {
			const needle = keyOf(key);
			return needle !== undefined && stringOf(value).includes(needle);
		}

		if (Array.isArray(value)) {
			return value.includes(key);
		}

		const name = keyOf(key);
		return name !== undefined && isPlainContainer(value) && Object.hasOwn(value, name);
	},
	handleError(error: unknown, lineno: number, colno: number): unknown {
		if (error instanceof TemplateLimitError) {
			return error;
		}

		return (baseRuntime['handleError'] as (error: unknown, lineno: number, colno: number) => unknown)(error, lineno, colno);
	},
};

// An environment of the sandbox's own: no loader, its filters, tests and globals only.
const environment = new nunjucks.Environment([], {autoescape: true, throwOnUndefined: false});
const environmentTables = environment as unknown as {filters: Record<string, unknown>; tests: Record<string, unknown>; globals: Record<string, unknown>};
environmentTables.filters = Object.assign(Object.create(null) as Record<string, unknown>, safeFilters);
environmentTables.tests = Object.assign(Object.create(null) as Record<string, unknown>, tests(environmentTables.tests));
environmentTables.globals = globals;

/** Visit every node of a parsed template, depth first. */
export function walk(node: unknown, visit: (node: AstNode) => void): void {
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

/** Parse a template and refuse what the sandbox does not run; SandboxSyntaxError names it. */
function parse(source: string): AstNode {
	const ast = (nunjucks as unknown as {parser: {parse(source: string, extensions: unknown[], options: object): AstNode}}).parser.parse(source, [], {});
	walk(ast, node => {
		const refused = refusedNodes[node.typename];
		if (refused) {
			throw new SandboxSyntaxError(`may not use ${refused}`);
		}

		if (node.value instanceof RegExp) {
			throw new SandboxSyntaxError('may not use regular expressions');
		}

		const name = node.typename === 'LookupVal' ? (node['val'] as AstNode | undefined)?.value
			: (node.typename === 'Symbol' ? node.value : (node.typename === 'Pair' ? (node['key'] as AstNode | undefined)?.value : undefined));
		if (typeof name === 'string' && forbiddenNames.has(name)) {
			throw new SandboxSyntaxError(`may not use ${JSON.stringify(name)}: templates see data only`);
		}

		if (node.typename === 'Symbol' && (node.value === 'cycler' || node.value === 'joiner')) {
			throw new SandboxSyntaxError(`may not use ${node.value}(): it is not available in templates`);
		}
	});
	return ast;
}

type RootRender = (env: unknown, context: SandboxContext, frame: FrameLike, runtime: unknown, callback: (error: unknown, result?: string) => void) => void;

/**
 * Compile a template for the sandbox. Throws SandboxSyntaxError for what the sandbox refuses and
 * nunjucks' error for a syntax error.
 */
export function compileSandboxed(source: string): SandboxTemplate {
	const ast = parse(source);
	const template = new nunjucks.Template(source, environment, undefined, true) as unknown as {rootRenderFunc: RootRender};
	const root = template.rootRenderFunc;
	return {
		ast,
		render(context, {escape = (text: string) => text, limits = defaultTemplateLimits} = {}) {
			const end = beginRender(limits, escape);
			try {
				const ctx = toPlainData(context) as Record<string, unknown>;
				const frame = new SandboxFrame();
				frame.topLevel = true;
				let result = '';
				root(environment, new SandboxContext(ctx), frame, sandboxRuntime, (error, output) => {
					if (error) {
						throw error;
					}

					result = output ?? '';
				});
				// The length is known without flattening the string; bytes are counted only when it fits.
				if (result.length > limits.maxOutputBytes || Buffer.byteLength(result) > limits.maxOutputBytes) {
					throw new TemplateLimitError(`produced more than ${limits.maxOutputBytes} bytes`, 'maxOutputBytes');
				}

				return result;
			} finally {
				end();
			}
		},
	};
}
