import test from 'ava';
import {XMLParser} from 'fast-xml-parser';
import {defineAppModels} from './helpers/app.js';
import {callbacksOf} from './helpers/callbacks.js';
import {dialectTest} from './helpers/dialect-test.js';
import {registerHttpHooks} from '../source/index.js';
import {validatePayload} from '../source/payload/validate-payload.js';

const xml = {model: 'Pet', signals: ['afterCreate'], targetUrl: 'http://127.0.0.1:9/hooks', contentType: 'application/xml'};
const template = '<pet name="{{instance.name}}"><name>{{instance.name}}</name></pet>';

dialectTest('a control character in XML data makes the callback an error naming it; the write goes on', async (t, {sequelize}) => {
	const {Pet} = await defineAppModels(sequelize);
	const httpHooks = await registerHttpHooks(sequelize);
	await httpHooks.createHook({...xml, name: 'xml', payloadTemplate: template});
	// (NUL and lone surrogates do not survive PostgreSQL's text type: tested on validatePayload below.)
	for (const name of ['a\u0001b', 'bell\u0007', 'form\u000C', 'esc\u001B[31m', 'del\u007F and C1\u0085 are XML 1.0 characters']) {
		await Pet.create({name});
	}

	const callbacks = await callbacksOf(httpHooks);
	t.is(callbacks.length, 5, 'every write went on');
	t.deepEqual(callbacks.map(callback => callback.status), ['error', 'error', 'error', 'error', 'waiting']);
	t.deepEqual(callbacks.map(callback => /holds (U\+[\dA-F]{4})/.exec(callback.statusDetails ?? '')?.[1]), ['U+0001', 'U+0007', 'U+000C', 'U+001B', undefined]);
	t.regex(callbacks[0]!.statusDetails!, /^InvalidPayloadError: Payload is an invalid XML: it holds U\+0001/);
	await httpHooks.close();
});

dialectTest('a control character written in an XML template is refused when the hook is created', async (t, {sequelize}) => {
	await defineAppModels(sequelize);
	const httpHooks = await registerHttpHooks(sequelize);
	await t.throwsAsync(httpHooks.createHook({...xml, name: 'x', payloadTemplate: '<pet>\u0002</pet>'}), {name: 'InvalidPayloadError', message: /holds U\+0002 at position 6/});
	await t.throwsAsync(httpHooks.createHook({...xml, name: 'x', payloadTemplate: '<pet a="\u000C">{{ instance.name }}</pet>'}), {name: 'InvalidPayloadError', message: /holds U\+000C/});
	t.deepEqual(await httpHooks.listHooks(), []);
	await httpHooks.close();
});

dialectTest('CR, LF and tab in XML data reach the receiver as they were', async (t, {sequelize}) => {
	const {Pet} = await defineAppModels(sequelize);
	const httpHooks = await registerHttpHooks(sequelize);
	await httpHooks.createHook({...xml, name: 'xml', payloadTemplate: template});
	const name = 'line one\r\nline two\rthree\tfour 🐕';
	await Pet.create({name});
	const [callback] = await callbacksOf(httpHooks);
	t.is(callback!.status, 'waiting');
	t.true(callback!.payload!.includes('line one&#13;\nline two&#13;three'));
	const parsed = new XMLParser({ignoreAttributes: false, trimValues: false, htmlEntities: true}).parse(callback!.payload!) as {pet: {name: string; '@_name': string}};
	t.is(parsed.pet.name, name, 'a parser reads back the CR');
	await httpHooks.close();
});

test('XML payloads holding a character XML 1.0 cannot hold are refused, naming it', t => {
	const cases: Array<[string, string]> = [['<a>\u0000</a>', 'U+0000'], ['<a>x\uD83D</a>', 'U+D83D'], ['<a>\uDC36</a>', 'U+DC36'], ['<a>\uFFFE</a>', 'U+FFFE'], ['<a b="\u0008"/>', 'U+0008']];
	for (const [payload, code] of cases) {
		t.throws(() => validatePayload(payload, 'text/xml'), {name: 'InvalidPayloadError', message: new RegExp(`holds ${code.replace('+', '\\+')} at position`)}, code);
	}

	t.notThrows(() => validatePayload('<a>\t\r\n🐕 é</a>', 'application/xml'));
	t.notThrows(() => validatePayload('{"a": "\\u0001"}', 'application/json'), 'JSON writes control characters escaped');
});
