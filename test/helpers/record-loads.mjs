// Loaded with `node --import` before a program: writes the URL of every module the process
// loads, one a line, to the file RECORD_LOADS_FILE names. ES modules are seen by a resolve hook
// (it runs on the loader's thread, so it appends to the file itself); CommonJS modules, which
// packages such as sequelize require from one another, are read from require.cache at exit.
import {appendFileSync} from 'node:fs';
import process from 'node:process';
import {createRequire, register} from 'node:module';
import {pathToFileURL} from 'node:url';

const file = process.env.RECORD_LOADS_FILE;
if (!file) {
	throw new Error('RECORD_LOADS_FILE is not set');
}

const hooks = `
import {appendFileSync} from 'node:fs';
import process from 'node:process';
let file;
export async function initialize(data) {
	file = data.file;
}
export async function resolve(specifier, context, next) {
	const result = await next(specifier, context);
	appendFileSync(file, result.url + '\\n');
	return result;
}
`;
register(`data:text/javascript,${encodeURIComponent(hooks)}`, import.meta.url, {data: {file}});

process.on('exit', () => {
	const {cache} = createRequire(import.meta.url);
	appendFileSync(file, Object.keys(cache).map(name => `${pathToFileURL(name).href}\n`).join(''));
});
