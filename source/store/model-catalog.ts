import type {ModelStatic, Model, Sequelize} from 'sequelize';
import type {HttpHooksModels} from './models.js';
import {HttpHooksError, quote} from '../errors.js';

export type AttributeDescription = {
	name: string;
	type: string;
	hidden: boolean;
	/** The column, when it differs from the name (underscored models); recorded since previews read rows. */
	field?: string;
};
export type AssociationDescription = {as: string; target: string; type: string};
export type ModelDescription = {
	name: string;
	tableName: string | null;
	primaryKey: string | null;
	attributes: AttributeDescription[];
	associations: AssociationDescription[];
};

type AnyModel = ModelStatic<Model>;

/**
 * Attributes a model keeps out of webhooks: `hidden` in the model's `httpHooks` options, e.g.
 * `sequelize.define('User', {...}, {httpHooks: {hidden: ['passwordHash']}})`.
 */
export function hiddenAttributes(model: AnyModel): Set<string> {
	let hidden = hiddenByModel.get(model);
	if (!hidden) {
		const given = (model.options as {httpHooks?: {hidden?: unknown}}).httpHooks?.hidden ?? [];
		// A string would otherwise be read as a list of its letters, hiding nothing.
		if (!Array.isArray(given) || !given.every(name => typeof name === 'string')) {
			throw new HttpHooksError(`Model ${quote(model.name)} lists its hidden attributes as ${quote(given)}; give an array of attribute names, e.g. {httpHooks: {hidden: ['passwordHash']}}`);
		}

		hidden = new Set(given as string[]);
		hiddenByModel.set(model, hidden);
	}

	return hidden;
}

// Read on every captured write: once per model.
const hiddenByModel = new WeakMap<AnyModel, Set<string>>();

export function describeModel(model: AnyModel): ModelDescription {
	const hidden = hiddenAttributes(model);
	const table = model.getTableName();
	return {
		name: model.name,
		tableName: typeof table === 'string' ? table : table.tableName,
		primaryKey: model.primaryKeyAttribute ?? null,
		attributes: Object.entries(model.getAttributes()).map(([name, attribute]) => ({
			name,
			type: String((attribute.type as {key?: string}).key ?? attribute.type),
			hidden: hidden.has(name),
			...(attribute.field && attribute.field !== name ? {field: attribute.field} : {}),
		})),
		associations: Object.entries(model.associations).map(([as, association]) => ({
			as,
			target: association.target.name,
			type: association.associationType,
		})),
	};
}

/** Write the app's models into http_hook_models, for the programs that never load app code. */
export async function recordModels(models: HttpHooksModels, sequelize: Sequelize): Promise<void> {
	const rows = Object.values(sequelize.models).map(model => {
		const description = describeModel(model);
		return {
			name: description.name,
			tableName: description.tableName,
			primaryKey: description.primaryKey,
			attributes: JSON.stringify(description.attributes),
			associations: JSON.stringify(description.associations),
		};
	});
	if (rows.length > 0) {
		await models.HookModel.bulkCreate(rows, {updateOnDuplicate: ['tableName', 'primaryKey', 'attributes', 'associations', 'updatedAt']});
	}
}

/** The models an app recorded, merged with the live models of this process (live ones win). */
export async function readCatalog(models: HttpHooksModels, sequelize: Sequelize): Promise<Map<string, ModelDescription>> {
	const catalog = new Map<string, ModelDescription>();
	for (const row of await models.HookModel.findAll({order: [['name', 'ASC']]})) {
		catalog.set(row.name, {
			name: row.name,
			tableName: row.tableName,
			primaryKey: row.primaryKey,
			attributes: JSON.parse(row.attributes) as AttributeDescription[],
			associations: JSON.parse(row.associations) as AssociationDescription[],
		});
	}

	for (const model of Object.values(sequelize.models)) {
		catalog.set(model.name, describeModel(model));
	}

	return catalog;
}
