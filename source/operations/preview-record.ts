import {DataTypes, Model, QueryTypes, type ModelAttributes, type ModelStatic, type Sequelize} from 'sequelize';
import {HttpHooksError, quote} from '../errors.js';
import {parseInteger, ranges} from '../numbers.js';
import {isLibraryModel} from '../store/models.js';
import type {ModelDescription} from '../store/model-catalog.js';

type AnyModel = ModelStatic<Model>;

/** A record to preview: the app's own model instance, or one read through what the catalog knows. */
export type PreviewRecord = {
	instance: Model;
	/** True when the app's own model (this process defined it) read the record. */
	live: boolean;
};

/** The longest record id taken: a primary key, not a document. */
const maxRecordIdLength = 1000;

// Column types the catalog names, as Sequelize reads them back; any other is read as text.
const readTypes: Record<string, unknown> = {
	BOOLEAN: DataTypes.BOOLEAN, DATE: DataTypes.DATE, DATEONLY: DataTypes.DATEONLY, JSON: DataTypes.JSON, JSONB: DataTypes.JSON,
	INTEGER: DataTypes.INTEGER, SMALLINT: DataTypes.INTEGER, TINYINT: DataTypes.INTEGER, MEDIUMINT: DataTypes.INTEGER, BIGINT: DataTypes.BIGINT,
	FLOAT: DataTypes.DOUBLE, REAL: DataTypes.DOUBLE, DOUBLE: DataTypes.DOUBLE, DECIMAL: DataTypes.DECIMAL, BLOB: DataTypes.BLOB,
};

const integerTypes = new Set(['INTEGER', 'SMALLINT', 'TINYINT', 'MEDIUMINT', 'BIGINT']);
const controlCharacter = /[\u0000-\u001F\u007F]/;

/**
 * A model that reads one of the app's tables as the catalog describes it, for a process without
 * the app's code (the `hooks` program): its columns only, hidden attributes left out entirely
 * (never selected), no associations, getters or serializers. It is taken out of the Sequelize
 * instance's model list again, so it never becomes one of that instance's models.
 */
function readerModel(sequelize: Sequelize, description: ModelDescription): AnyModel {
	if (!description.tableName || !description.primaryKey) {
		throw new HttpHooksError(`Model ${quote(description.name)} has no table or primary key recorded; start the app once with this version of the library so that it records them`);
	}

	const attributes: ModelAttributes = {};
	for (const attribute of description.attributes) {
		if (!attribute.hidden && attribute.type !== 'VIRTUAL') {
			attributes[attribute.name] = {
				type: (readTypes[attribute.type] ?? DataTypes.TEXT) as typeof DataTypes.TEXT,
				field: attribute.field ?? attribute.name,
				primaryKey: attribute.name === description.primaryKey,
			};
		}
	}

	const hidden = description.attributes.filter(attribute => attribute.hidden).map(attribute => attribute.name);
	const model = sequelize.define(description.name, attributes, {tableName: description.tableName, timestamps: false, httpHooks: {hidden}});
	sequelize.modelManager.removeModel(model);
	return model;
}

/** The id as the key column takes it: whole numbers for integer keys, else text without control characters. */
function checkRecordId(model: string, keyType: string, recordId: unknown): string | number {
	if (typeof recordId === 'number') {
		return parseInteger('Record id', String(recordId), ranges.id);
	}

	if (typeof recordId !== 'string' || recordId.trim() === '') {
		throw new HttpHooksError(`Record id ${quote(recordId)} is not an id: give the primary key of a ${model}`);
	}

	if (integerTypes.has(keyType)) {
		return parseInteger('Record id', recordId.trim(), ranges.id);
	}

	if (recordId.length > maxRecordIdLength || controlCharacter.test(recordId)) {
		throw new HttpHooksError(`Record id ${quote(recordId)} is not an id: at most ${maxRecordIdLength} characters, no control characters`);
	}

	return recordId;
}

/**
 * Read one record of a model by its primary key, the value bound (never put into the SQL). The
 * app's own model reads it when this process defined it; else a reader built from the catalog.
 * A record that does not exist is an HttpHooksError naming it.
 */
export async function readRecord(sequelize: Sequelize, catalog: Map<string, ModelDescription>, modelName: string, recordId: unknown): Promise<PreviewRecord> {
	const own = Object.hasOwn(sequelize.models, modelName) ? sequelize.models[modelName] as AnyModel : undefined;
	const live = own !== undefined && !isLibraryModel(own, sequelize);
	const description = catalog.get(modelName);
	if (!live && !description) {
		throw new HttpHooksError(`Model ${quote(modelName)} is not known: start the app once with registerHttpHooks so that it records its models`);
	}

	const model = live ? own! : readerModel(sequelize, description!);
	const key = model.primaryKeyAttribute;
	const keyAttribute = model.getAttributes()[key];
	if (!key || !keyAttribute) {
		throw new HttpHooksError(`Model ${quote(modelName)} has no primary key: a record cannot be named`);
	}

	const id = checkRecordId(modelName, String((keyAttribute.type as {key?: string}).key ?? keyAttribute.type), recordId);
	const generator = sequelize.getQueryInterface().queryGenerator as {quoteIdentifier(name: string): string; quoteTable(table: unknown): string};
	const columns = Object.entries(model.getAttributes())
		.filter(([, attribute]) => String((attribute.type as {key?: string}).key) !== 'VIRTUAL')
		.map(([name, attribute]) => `${generator.quoteIdentifier(attribute.field ?? name)} AS ${generator.quoteIdentifier(name)}`);
	const sql = `SELECT ${columns.join(', ')} FROM ${generator.quoteTable(model.getTableName())} WHERE ${generator.quoteIdentifier(keyAttribute.field ?? key)} = $1`;
	let rows: Model[];
	try {
		rows = await sequelize.query(sql, {bind: [id], model, mapToModel: true, type: QueryTypes.SELECT, logging: false});
	} catch (error) {
		const reason = (error as {original?: Error}).original?.message ?? (error as Error).message;
		throw new HttpHooksError(`Could not read ${modelName} ${quote(String(id))}: ${reason}`, {cause: error});
	}

	const [instance] = rows;
	if (!instance) {
		throw new HttpHooksError(`No ${modelName} with ${key} ${quote(String(id))}`);
	}

	return {instance, live};
}
