import {Model, type ModelStatic, type Transaction} from 'sequelize';
import {InvalidPayloadError, quote} from '../errors.js';
import {hiddenAttributes} from '../store/model-catalog.js';

type AnyModel = ModelStatic<Model>;
export type PlainData = Record<string, unknown>;

// Deeper than any sane instance, shallow enough that a self-referencing JSON value fails fast.
const maxDepth = 64;

/**
 * Copy a value into plain JSON data, never sharing an object with the app: the result may be
 * handed to templates and serialized without any risk of changing the app's instance, and
 * reaches no function or prototype. Rules (those of JSON.stringify, plus):
 * - a model instance becomes its plain data, without the attributes its own model hides;
 * - dates become ISO strings (an invalid date: null), bigints decimal strings;
 * - Buffers and typed arrays become base64 strings (a JSON body cannot hold bytes);
 * - functions, symbols and undefined are left out (null inside arrays);
 * - other objects: the result of their toJSON(), else their own enumerable properties.
 */
export function toPlain(value: unknown, depth = 0): unknown {
	if (value === null || typeof value === 'string' || typeof value === 'boolean') {
		return value;
	}

	if (typeof value === 'number') {
		return Number.isFinite(value) ? value : null;
	}

	if (typeof value === 'bigint') {
		return value.toString();
	}

	if (typeof value !== 'object') {
		return undefined;
	}

	if (depth > maxDepth) {
		throw new InvalidPayloadError(`Instance data is nested deeper than ${maxDepth} levels (a circular value?)`);
	}

	if (value instanceof Model) {
		return plainData(value, depth + 1);
	}

	if (value instanceof Date) {
		return Number.isNaN(value.getTime()) ? null : value.toISOString();
	}

	if (ArrayBuffer.isView(value)) {
		return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64');
	}

	if (Array.isArray(value)) {
		return value.map(item => toPlain(item, depth + 1) ?? null);
	}

	const toJSON = (value as {toJSON?: unknown}).toJSON;
	if (typeof toJSON === 'function') {
		return toPlain(toJSON.call(value), depth + 1);
	}

	return copyEntries(Object.entries(value), depth);
}

function copyEntries(entries: Array<[string, unknown]>, depth: number, skip?: Set<string>): PlainData {
	const copy: PlainData = {};
	for (const [key, item] of entries) {
		if (skip?.has(key)) {
			continue;
		}

		const plain = toPlain(item, depth + 1);
		if (plain === undefined) {
			continue;
		}

		if (key === '__proto__') {
			// An ordinary property, as JSON.parse makes it, not the object's prototype.
			Object.defineProperty(copy, key, {value: plain, enumerable: true, writable: true, configurable: true});
		} else {
			copy[key] = plain;
		}
	}

	return copy;
}

/**
 * The attribute values of an instance as plain JSON data (see toPlain), without the attributes
 * its model hides, and with included associations (`include`, nested creates) turned into plain
 * data the same way, each without the attributes of its own model's hidden list. The instance
 * is only read: `get({clone: true})` gives a fresh object (custom getters applied), never the
 * instance's own `dataValues`.
 */
export function plainData(instance: Model, depth = 0): PlainData {
	const hidden = hiddenAttributes(instance.constructor as AnyModel);
	const values = instance.get({clone: true}) as PlainData;
	return copyEntries(Object.entries(values), depth, hidden);
}

/** What an update changed, without hidden attributes: their names, and their old values as plain data. */
export function changesOf(instance: Model): {changed: string[]; previous: PlainData} {
	const hidden = hiddenAttributes(instance.constructor as AnyModel);
	const changed = instance.changed();
	const names = Array.isArray(changed) ? changed.filter(name => !hidden.has(name)) : [];
	const previous = copyEntries(names.map(name => [name, instance.previous(name as never)]), 0);
	return {changed: names, previous};
}

/**
 * Plain data of an instance with the associations that `paths` walk through loaded, so that a
 * template can read `instance.owner.name`. Loads in the triggering transaction; the loaded
 * instances are never attached to the app's instance.
 */
export async function loadInstanceData(instance: Model, paths: string[][], transaction?: Transaction | null): Promise<PlainData> {
	const data = plainData(instance);
	const model = instance.constructor as AnyModel;
	const hidden = hiddenAttributes(model);
	const byAssociation = new Map<string, string[][]>();
	for (const [head, ...rest] of paths) {
		if (head && !hidden.has(head) && Object.hasOwn(model.associations, head)) {
			byAssociation.set(head, [...(byAssociation.get(head) ?? []), rest]);
		}
	}

	for (const [name, rests] of byAssociation) {
		const association = model.associations[name]!;
		const getter = (association as unknown as {accessors: {get: string}}).accessors.get;
		const load = (instance as unknown as Record<string, unknown>)[getter];
		if (typeof load !== 'function') {
			throw new InvalidPayloadError(`Association ${quote(name)} of ${quote(model.name)} cannot be loaded`);
		}

		const related = await (load as (options: object) => Promise<Model | Model[] | null>).call(instance, {transaction});
		const deeper = rests.filter(rest => rest.length > 0);
		const loaded = Array.isArray(related)
			? await Promise.all(related.map(async item => loadInstanceData(item, deeper, transaction)))
			: (related ? await loadInstanceData(related, deeper, transaction) : null);
		Object.defineProperty(data, name, {value: loaded, enumerable: true, writable: true, configurable: true});
	}

	return data;
}
