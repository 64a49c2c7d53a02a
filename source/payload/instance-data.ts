import type {Model, ModelStatic, Transaction} from 'sequelize';
import {hiddenAttributes} from '../store/model-catalog.js';

type AnyModel = ModelStatic<Model>;
export type PlainData = Record<string, unknown>;

/**
 * The attribute values of an instance as plain JSON data (dates as ISO strings), without the
 * attributes the model hides. Templates see only this: no model methods, no connection.
 */
export function plainData(instance: Model): PlainData {
	const model = instance.constructor as AnyModel;
	const hidden = hiddenAttributes(model);
	const values = instance.get({plain: true}) as PlainData;
	for (const name of hidden) {
		delete values[name];
	}

	return JSON.parse(JSON.stringify(values)) as PlainData;
}

/**
 * Plain data of an instance with the associations that `paths` walk through loaded, so that a
 * template can read `instance.owner.name`. Loads in the triggering transaction.
 */
export async function loadInstanceData(instance: Model, paths: string[][], transaction?: Transaction | null): Promise<PlainData> {
	const data = plainData(instance);
	const model = instance.constructor as AnyModel;
	const byAssociation = new Map<string, string[][]>();
	for (const [head, ...rest] of paths) {
		if (head && model.associations[head]) {
			byAssociation.set(head, [...(byAssociation.get(head) ?? []), rest]);
		}
	}

	for (const [name, rests] of byAssociation) {
		const association = model.associations[name]!;
		const getter = (association as unknown as {accessors: {get: string}}).accessors.get;
		const related = await (instance as unknown as Record<string, (options: object) => Promise<Model | Model[] | null>>)[getter]!({transaction});
		const deeper = rests.filter(rest => rest.length > 0);
		if (Array.isArray(related)) {
			data[name] = await Promise.all(related.map(async item => loadInstanceData(item, deeper, transaction)));
		} else {
			data[name] = related ? await loadInstanceData(related, deeper, transaction) : null;
		}
	}

	return data;
}
