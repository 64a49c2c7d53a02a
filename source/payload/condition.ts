import {InvalidPayloadError, quote} from '../errors.js';
import type {AstNode, TemplateLimits} from './sandbox.js';
import {compileTemplate} from './template.js';

/** A hook's condition, compiled once: whether a change fires the hook. */
export type CompiledCondition = {
	readonly source: string;
	/** The paths under `instance` that the condition reads (their associations are loaded first). */
	readonly instancePaths: string[][];
	/** True when the condition holds for the context; throws InvalidPayloadError when it cannot be evaluated. */
	holds(context: Record<string, unknown>): boolean;
};

/** The longest condition, in characters: an expression, not a program. */
export const maxConditionLength = 4096;

/** Tabs and line breaks are fine in an expression; other control characters never are. */
const controlCharacter = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;

/** The one shape a wrapped condition may parse into: `{% if EXPR %}1{% endif %}`, nothing around it. */
function isOneExpression(ast: AstNode): boolean {
	const [node, ...rest] = ast.children ?? [];
	if (ast.typename !== 'Root' || !node || rest.length > 0 || node.typename !== 'If' || node['else_']) {
		return false;
	}

	const [output, ...more] = (node['body'] as AstNode | undefined)?.children ?? [];
	const [data, ...extra] = output?.typename === 'Output' ? output.children ?? [] : [];
	return more.length === 0 && extra.length === 0 && data?.typename === 'TemplateData' && data.value === '1';
}

/**
 * Compile a condition: a nunjucks expression such as `'status' in changed and instance.status ==
 * 'shipped'`, run in the templates' sandbox with their limits. It holds when `{% if … %}` would
 * take its branch (nunjucks' truthiness: an empty list or object is true; test `| length`).
 * Throws InvalidPayloadError naming the condition when it is not one expression the sandbox runs.
 */
export function compileCondition(source: unknown, limits?: TemplateLimits): CompiledCondition {
	if (typeof source !== 'string') {
		throw new InvalidPayloadError(`Condition ${quote(source)} must be text: a nunjucks expression such as "instance.status == 'shipped'"`);
	}

	if (source.length > maxConditionLength) {
		throw new InvalidPayloadError(`Condition ${quote(source)} is ${source.length} characters long, more than ${maxConditionLength}`);
	}

	if (controlCharacter.test(source)) {
		throw new InvalidPayloadError(`Condition ${quote(source)} contains a control character`);
	}

	const label = `Condition ${quote(source.trim())}`;
	// Line breaks inside the expression stay: nunjucks reads them as spaces between tokens.
	const template = compileTemplate(`{% if ${source} %}1{% endif %}`, null, label, limits);
	if (!isOneExpression(template.ast)) {
		throw new InvalidPayloadError(`${label} must be one expression, such as "'status' in changed and instance.status == 'shipped'", without {% %} or {{ }} tags`);
	}

	return {
		source,
		instancePaths: template.instancePaths,
		holds: context => template.render(context) === '1',
	};
}
