import {InvalidPayloadError, quote} from '../errors.js';
import type {ModelDescription} from '../store/model-catalog.js';

type Catalog = Map<string, ModelDescription>;

function sampleValue(type: string): unknown {
	const upper = type.toUpperCase();
	if (/INT|FLOAT|DOUBLE|DECIMAL|REAL|NUMBER/.test(upper)) {
		return 1;
	}

	if (upper.includes('BOOLEAN')) {
		return true;
	}

	if (upper.includes('DATE')) {
		return '2026-01-01T00:00:00.000Z';
	}

	if (upper.includes('JSON')) {
		return {};
	}

	return 'sample';
}

/** A made-up instance of a model, with its associations a few levels deep, to try templates on. */
export function sampleInstance(model: ModelDescription, catalog: Catalog, depth = 2): Record<string, unknown> {
	const instance: Record<string, unknown> = {};
	for (const attribute of model.attributes) {
		if (!attribute.hidden) {
			instance[attribute.name] = sampleValue(attribute.type);
		}
	}

	if (depth > 0) {
		for (const association of model.associations) {
			const target = catalog.get(association.target);
			const sample = target ? sampleInstance(target, catalog, depth - 1) : {};
			instance[association.as] = association.type.endsWith('Many') ? [sample] : sample;
		}
	}

	return instance;
}

/**
 * Check the `instance.…` paths a template reads against the model: each step must be an
 * attribute or an association (below a JSON attribute anything goes).
 */
export function checkInstancePaths(paths: string[][], model: ModelDescription, catalog: Catalog): void {
	for (const path of paths) {
		let current: ModelDescription | undefined = model;
		for (const [index, step] of path.entries()) {
			if (!current) {
				break;
			}

			const attribute = current.attributes.find(candidate => candidate.name === step);
			if (attribute) {
				if (attribute.hidden) {
					throw new InvalidPayloadError(`Template reads instance.${path.slice(0, index + 1).join('.')}, which model ${current.name} hides from webhooks`);
				}

				break;
			}

			const association = current.associations.find(candidate => candidate.as === step);
			if (!association) {
				const known = [...current.attributes.filter(item => !item.hidden).map(item => item.name), ...current.associations.map(item => item.as)];
				throw new InvalidPayloadError(`Template reads instance.${path.slice(0, index + 1).join('.')}, but model ${current.name} has no attribute or association ${quote(step)} (it has: ${known.join(', ')})`);
			}

			current = catalog.get(association.target);
		}
	}
}
