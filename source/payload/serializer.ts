import path from 'node:path';
import {pathToFileURL} from 'node:url';
import type {Model} from 'sequelize';
import {InvalidPayloadError, quote} from '../errors.js';

export type Serializer = {toRepresentation(instance: Model): unknown};
/** A class whose instances have `toRepresentation(instance)`, or an object that has it. */
export type SerializerClass = (new () => Serializer) | Serializer;
export type Serialize = (instance: Model) => Promise<unknown>;

function serializeWith(candidate: unknown, name: string): Serialize {
	if (typeof candidate === 'function' && typeof (candidate.prototype as Partial<Serializer> | undefined)?.toRepresentation === 'function') {
		const SerializerConstructor = candidate as new () => Serializer;
		return async instance => new SerializerConstructor().toRepresentation(instance);
	}

	if (candidate && typeof (candidate as Partial<Serializer>).toRepresentation === 'function') {
		return async instance => (candidate as Serializer).toRepresentation(instance);
	}

	throw new InvalidPayloadError(`cannot import serializer class ${quote(name)}: it has no toRepresentation(instance) method`);
}

/**
 * Find a serializer by name: one registered in the options of registerHttpHooks, or a module
 * specifier `path/to/module.js#ExportName` (relative paths from the working directory).
 */
export async function resolveSerializer(name: string, registered: Record<string, SerializerClass>): Promise<Serialize> {
	if (Object.hasOwn(registered, name)) {
		return serializeWith(registered[name], name);
	}

	const hash = name.lastIndexOf('#');
	if (hash <= 0 || hash === name.length - 1) {
		throw new InvalidPayloadError(`cannot import serializer class ${quote(name)}: it is neither registered nor written as "module#ExportName"`);
	}

	const specifier = name.slice(0, hash);
	const exportName = name.slice(hash + 1);
	const url = specifier.startsWith('.') || path.isAbsolute(specifier) ? pathToFileURL(path.resolve(specifier)).href : specifier;
	let module: Record<string, unknown>;
	try {
		module = await import(url) as Record<string, unknown>;
	} catch (error) {
		throw new InvalidPayloadError(`cannot import serializer class ${quote(name)}: ${(error as Error).message}`, {cause: error});
	}

	if (!(exportName in module)) {
		throw new InvalidPayloadError(`cannot import serializer class ${quote(name)}: the module has no export ${quote(exportName)}`);
	}

	return serializeWith(module[exportName], name);
}
