import {checkHeaderValue, headerRows} from '../headers.js';
import type {TemplateLimits} from './sandbox.js';
import {compileTemplate, isTemplate, type CompiledTemplate} from './template.js';

/** Header text made ready to render: names fixed, each templated value a template of its own. */
export type CompiledHeaders = {
	readonly instancePaths: string[][];
	render(context: Record<string, unknown>): Record<string, string>;
};

/**
 * Compile header text whose values may use the template context. The rows are split before
 * rendering and each value is rendered on its own, so nothing a value renders (a user's CR/LF)
 * can start another row; a rendered value is checked as a static one is when the hook is saved.
 */
export function compileHeaders(text: string, limits?: TemplateLimits): CompiledHeaders {
	const rows: Array<{name: string; value: string; template?: CompiledTemplate}> = headerRows(text).map(({name, value}) => (
		isTemplate(value) ? {name, value, template: compileTemplate(value, null, `Header ${JSON.stringify(name)} template`, limits)} : {name, value: checkHeaderValue(name, value)}
	));
	return {
		instancePaths: rows.flatMap(row => row.template?.instancePaths ?? []),
		render(context) {
			const headers: Record<string, string> = {};
			for (const {name, value, template} of rows) {
				headers[name] = template ? checkHeaderValue(name, template.render(context).trim()) : value;
			}

			return headers;
		},
	};
}
