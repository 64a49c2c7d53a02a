import {realpath} from 'node:fs/promises';
import path from 'node:path';
import {pathToFileURL} from 'node:url';
import type {Model} from 'sequelize';
import {InvalidPayloadError, quote} from '../errors.js';

export type Serializer = {toRepresentation(instance: Model): unknown};
/** A class whose instances have `toRepresentation(instance)`, or an object that has it. */
export type SerializerClass = (new () => Serializer) | Serializer;
export type Serialize = (instance: Model) => Promise<unknown>;

/** The app's opt-in to serializers named by module: files under this absolute directory only. */
export type SerializerModules = {directory: string};

/**
 * Where serializers may come from. `load: false` (the programs, which never load app code)
 * checks the name's shape only and imports nothing.
 */
export type SerializerSources = {
	registered: Record<string, SerializerClass>;
	modules: SerializerModules | null;
	load: boolean;
};

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

function refuse(name: string, reason: string): never {
	throw new InvalidPayloadError(`cannot import serializer class ${quote(name)}: ${reason}`);
}

const exportName = /^[A-Za-z_$][\w$]*$/;
// `data:`, `file:`, `http:`, `node:` and every other scheme (a Windows drive letter too).
const urlScheme = /^[A-Za-z][A-Za-z\d+.-]*:/;

type ModuleName = {file: string; exportName: string};

/**
 * Check a serializer name's shape, importing nothing: a plain name (looked up among the
 * registered ones), or `./relative/file.js#ExportName`. URLs, package names, absolute paths and
 * paths leaving their directory are refused. Returns the module parts of a module name.
 */
export function checkSerializerName(name: string): ModuleName | undefined {
	if (urlScheme.test(name)) {
		refuse(name, 'it is a URL; serializers are never loaded from URLs (register the class in the serializers option)');
	}

	const hash = name.lastIndexOf('#');
	if (hash === -1) {
		if (/[/\\]/.test(name) || name.startsWith('.')) {
			refuse(name, 'a module needs "#ExportName" after its path, as in "./serializers.js#UserSerializer"');
		}

		return undefined;
	}

	const file = name.slice(0, hash);
	const exported = name.slice(hash + 1);
	if (!exportName.test(exported)) {
		refuse(name, `${quote(exported)} is not an export name`);
	}

	if (path.isAbsolute(file) || path.win32.isAbsolute(file)) {
		refuse(name, 'it is an absolute path; give a path relative to the serializerModules directory, starting with "./"');
	}

	if (file.split(/[/\\]/).includes('..')) {
		refuse(name, 'it leaves the serializerModules directory ("..")');
	}

	if (!file.startsWith('./')) {
		refuse(name, 'it names a package; only relative files ("./file.js#ExportName") inside the serializerModules directory are loaded');
	}

	return {file, exportName: exported};
}

/** The real path of a module file, which must stay inside the directory (symbolic links included). */
async function moduleFile(name: string, file: string, directory: string): Promise<string> {
	let root: string;
	let real: string;
	try {
		root = await realpath(directory);
		real = await realpath(path.resolve(root, file));
	} catch (error) {
		throw new InvalidPayloadError(`cannot import serializer class ${quote(name)}: ${(error as Error).message}`, {cause: error});
	}

	const relative = path.relative(root, real);
	if (relative === '' || relative.startsWith('..') || path.isAbsolute(relative)) {
		refuse(name, `it leads outside the serializerModules directory, to ${quote(real)}`);
	}

	return real;
}

/**
 * Find a serializer by name: one registered in the options of registerHttpHooks, or, where the
 * app opted in with serializerModules, `./file.js#ExportName` inside that directory. Nothing else
 * is ever imported. Without `load`, a name of a valid shape is accepted as it is (undefined).
 */
export async function resolveSerializer(name: string, sources: SerializerSources): Promise<Serialize | undefined> {
	if (Object.hasOwn(sources.registered, name)) {
		return serializeWith(sources.registered[name], name);
	}

	const module = checkSerializerName(name);
	if (!sources.load) {
		return undefined;
	}

	if (!module) {
		const known = Object.keys(sources.registered);
		refuse(name, `it is not registered${known.length > 0 ? `; registered serializers: ${known.join(', ')}` : ' (the serializers option names none)'}`);
	}

	if (!sources.modules) {
		refuse(name, 'serializers are loaded from modules only where the app opts in with the serializerModules option');
	}

	const file = await moduleFile(name, module.file, sources.modules.directory);
	let loaded: Record<string, unknown>;
	try {
		loaded = await import(pathToFileURL(file).href) as Record<string, unknown>;
	} catch (error) {
		throw new InvalidPayloadError(`cannot import serializer class ${quote(name)}: ${(error as Error).message}`, {cause: error});
	}

	if (!Object.hasOwn(loaded, module.exportName)) {
		refuse(name, `the module has no export ${quote(module.exportName)}`);
	}

	return serializeWith(loaded[module.exportName], name);
}
