import {Writable} from 'node:stream';
import test from 'ava';
import {commands} from '../cli/commands/index.js';
import {UsageError, type Io} from '../cli/command.js';
import {resolveDeliverySettings} from '../source/delivery/delivery-settings.js';
import {checkSendOptions} from '../source/delivery/send-options.js';
import {connectHttpHooks, HttpHooksError} from '../source/index.js';
import {checkInteger, parseInteger, ranges, type IntegerRange} from '../source/numbers.js';
import {pageCallbacks} from '../source/operations/browse-callbacks.js';
import {checkMonitorOptions} from '../source/operations/monitor-callbacks.js';
import {resolveOptions} from '../source/options.js';
import {createTestDatabase} from './helpers/database.js';
import {runHooks} from './helpers/run-cli.js';

const escape = (text: string) => text.replaceAll(/[.*+?^${}()|[\]\\]/g, '\\$&');
const message = (name: string, {min, max}: IntegerRange, shown: string) => `${name} must be a whole number from ${min} to ${max}, got ${shown}`;

// What a command line may carry instead of a number: signs, exponents, fractions, words,
// nothing, spaces, hex, and numbers far past any sensible bound (a timestamp typed by mistake).
const badTexts = ['-1', '0', '1e13', '99999999999999', '1.5', 'abc', '', ' 5', '0x10'];
const isValid = (text: string, {min, max}: IntegerRange) => /^\d+$/.test(text) && Number(text) >= min && Number(text) <= max;

type FlagCase = {
	command: string; name: string; range: IntegerRange;
	/** The command's input and flags as meow hands them over, and the command line that gives them. */
	call(value: string): {input: string[]; flags: Record<string, unknown>};
	argv(value: string): string[];
};

const seconds = ({min, max}: IntegerRange) => ({min: Math.max(1, Math.ceil(min / 1000)), max: Math.floor(max / 1000)});
const camel = (name: string) => name.slice(2).replaceAll(/-([a-z])/g, (_, letter: string) => letter.toUpperCase());
const flag = (command: string, name: string, range: IntegerRange, base: Record<string, string> = {}, input: string[] = []): FlagCase => ({
	command, name, range,
	call: value => ({input, flags: {...Object.fromEntries(Object.entries(base).map(([key, text]) => [camel(key), text])), [camel(name)]: value}}),
	argv: value => [...input, ...Object.entries(base).flat(), name, value],
});

// Every number the `hooks` program reads, with its range.
const flagCases: FlagCase[] = [
	{command: 'delete-old-callbacks', name: 'DAYS', range: ranges.days, call: value => ({input: [value], flags: {}}), argv: value => [value]},
	flag('delete-old-callbacks', '--batch-size', ranges.deleteBatchSize, {}, ['3']),
	flag('send-callbacks', '--hook-id', ranges.id),
	{command: 'send-callbacks', name: '--callback', range: ranges.id, call: value => ({input: [], flags: {callback: [value]}}), argv: value => ['--callback', value]},
	flag('send-callbacks', '--concurrency', ranges.concurrency),
	flag('send-callbacks', '--limit', ranges.claimLimit),
	flag('send-callbacks', '--lease-seconds', seconds(ranges.leaseMs)),
	flag('send-callbacks', '--timeout-seconds', seconds(ranges.timeoutMs)),
	flag('monitor-callbacks', '--callbacks-limit', ranges.monitorCount, {'--status': 'error'}),
	flag('monitor-callbacks', '--minutes-ago', ranges.minutesAgo, {'--status': 'error'}),
	flag('monitor-callbacks', '--critical', ranges.monitorCount, {'--status': 'error', '--callbacks-limit': '0'}),
	flag('list-callbacks', '--hook-id', ranges.id),
	flag('list-callbacks', '--limit', ranges.pageLimit),
	flag('list-callbacks', '--before-id', ranges.id),
	flag('stats', '--hook-id', ranges.id),
	flag('stats', '--window-minutes', ranges.windowMinutes),
];

function captureIo(): Io & {output(): string} {
	let text = '';
	const sink = new Writable({
		write(chunk: Buffer, _encoding, done) {
			text += chunk.toString();
			done();
		},
	});
	return {stdout: sink as never, stderr: sink as never, interactive: false, stopSignal: new AbortController().signal, output: () => text};
}

test('every flag × every bad value: refused before any connection, in the one wording', async t => {
	let checked = 0;
	for (const {command: name, name: flagName, range, call} of flagCases) {
		const command = await commands.find(candidate => candidate.name === name)!.load();
		for (const text of badTexts) {
			// In a --callback list, items are trimmed (`--callback "12, 13"`): ` 5` is a valid id there.
			if (isValid(text, range) || (flagName === '--callback' && text === ' 5')) {
				continue;
			}

			const expected = message(flagName, range, JSON.stringify(text));
			const {input, flags} = call(text);
			const io = captureIo();
			if (name === 'monitor-callbacks') {
				// The monitoring-plugin convention: a bad value is UNKNOWN (3), said on stdout.
				t.is(await command.run(input, {...flags, databaseUrl: 'sqlite:/nonexistent/never-opened.sqlite'}, io), 3, `${flagName} ${text}`);
				t.is(io.output(), `CALLBACKS UNKNOWN - ${expected.replaceAll(/\s+/g, ' ')}\n`);
			} else {
				await t.throwsAsync(command.run(input, {...flags, databaseUrl: 'sqlite:/nonexistent/never-opened.sqlite'}, io), {instanceOf: UsageError, message: expected}, `${name} ${flagName} ${JSON.stringify(text)}`);
			}

			checked++;
		}
	}

	t.true(checked > 100, `${checked} cases`);
});

test('every flag: a bad value through the real program is exit 2 (monitor: UNKNOWN, 3) naming flag, range and value', async t => {
	// One bad value per flag, taking turns through the list, so every kind goes through the real program.
	const runs = flagCases.map(({command, name, range, argv}, index) => {
		const text = [...badTexts.slice(index % badTexts.length), ...badTexts].find(candidate => !isValid(candidate, range) && !(name === '--callback' && candidate === ' 5'))!;
		return {command, name, range, text, args: [command, ...argv(text)]};
	});
	const results = [];
	for (let start = 0; start < runs.length; start += 4) {
		results.push(...await Promise.all(runs.slice(start, start + 4).map(async run => runHooks([...run.args, '--database-url', 'sqlite:/nonexistent/never-opened.sqlite']))));
	}

	for (const [index, {command, name, range, text, args}] of runs.entries()) {
		const result = results[index]!;
		const expected = message(name, range, JSON.stringify(text));
		if (command === 'monitor-callbacks') {
			t.is(result.code, 3, args.join(' '));
			t.is(result.stdout, `CALLBACKS UNKNOWN - ${expected}\n`);
		} else {
			t.is(result.code, 2, `${args.join(' ')}: ${result.stderr}`);
			t.regex(result.stderr, new RegExp(`^${escape(expected)}\\n`), args.join(' '));
			t.is(result.stdout, '');
		}
	}
});

test('a surplus argument is a usage error in every command that takes none (exit 2)', async t => {
	const loaded = await Promise.all(commands.map(async entry => entry.load()));
	const takingNone = loaded.filter(command => !command.takesArguments);
	t.true(takingNone.length >= 5);
	const results = await Promise.all(takingNone.map(async command => runHooks([command.name, ...(command.name === 'monitor-callbacks' ? ['--status', 'error'] : []), 'surplus', '--database-url', 'sqlite:/nonexistent/never-opened.sqlite'])));
	for (const [index, result] of results.entries()) {
		t.is(result.code, 2, takingNone[index]!.name);
		t.regex(result.stderr, /^Unexpected argument "surplus"/);
		t.is(result.stdout, '');
	}
});

// What the API may be handed instead of a whole number in range.
const badNumbers: unknown[] = [-1, 0, 1e13, 99_999_999_999_999, 1.5, Number.NaN, Number.POSITIVE_INFINITY, '5', 5n];

test('every number option of the API × bad values: an HttpHooksError naming option, range and value', async t => {
	const database = await createTestDatabase('sqlite');
	t.teardown(async () => database.close());
	const httpHooks = await connectHttpHooks(database.sequelize);
	const delivery = (key: keyof typeof ranges) => ({name: `delivery.${key}`, range: ranges[key], check: async (value: unknown) => resolveDeliverySettings({[key]: value})});
	const cases: Array<{name: string; range: IntegerRange; check(value: unknown): Promise<unknown>}> = [
		delivery('timeoutMs'), delivery('maxAttempts'), delivery('maxRetryAfterMs'), delivery('leaseMs'), delivery('concurrency'),
		delivery('batchSize'), delivery('pollIntervalMs'), delivery('disableAfterFailures'),
		{name: 'delivery.retryDelaysMs[1]', range: ranges.retryDelayMs, check: async value => resolveDeliverySettings({retryDelaysMs: [1000, value as number]})},
		{name: 'reloadIntervalMs', range: ranges.reloadIntervalMs, check: async value => resolveOptions({reloadIntervalMs: value as number})},
		{name: 'sqliteBusyTimeoutMs', range: ranges.sqliteBusyTimeoutMs, check: async value => resolveOptions({sqliteBusyTimeoutMs: value as number})},
		{name: 'maxPayloadBytes', range: ranges.maxPayloadBytes, check: async value => resolveOptions({maxPayloadBytes: value as number})},
		{name: 'templateTimeoutMs', range: ranges.templateTimeoutMs, check: async value => resolveOptions({templateTimeoutMs: value as number})},
		{name: 'templateMaxIterations', range: ranges.templateMaxIterations, check: async value => resolveOptions({templateMaxIterations: value as number})},
		{name: 'hookId', range: ranges.id, check: async value => checkSendOptions({hookId: value as number})},
		{name: 'limit', range: ranges.claimLimit, check: async value => checkSendOptions({limit: value as number})},
		{name: 'concurrency', range: ranges.concurrency, check: async value => checkSendOptions({concurrency: value as number})},
		{name: 'callbacksLimit', range: ranges.monitorCount, check: async value => checkMonitorOptions({status: 'error', callbacksLimit: value as number})},
		{name: 'minutesAgo', range: ranges.minutesAgo, check: async value => checkMonitorOptions({status: 'error', minutesAgo: value as number})},
		{name: 'critical', range: ranges.monitorCount, check: async value => checkMonitorOptions({status: 'error', callbacksLimit: 0, critical: value as number})},
		{name: 'Days', range: ranges.days, check: async value => httpHooks.deleteOldCallbacks(value as number)},
		{name: 'Batch size', range: ranges.deleteBatchSize, check: async value => httpHooks.deleteOldCallbacks(1, {batchSize: value as number})},
		{name: 'windowMinutes', range: ranges.windowMinutes, check: async value => httpHooks.stats({windowMinutes: value as number})},
		{name: 'hookId', range: ranges.id, check: async value => httpHooks.stats({hookId: value as number})},
		{name: 'limit', range: ranges.pageLimit, check: async value => pageCallbacks(httpHooks.models, {}, {limit: value as number})},
		{name: 'beforeId', range: ranges.id, check: async value => pageCallbacks(httpHooks.models, {}, {beforeId: value as number})},
		{name: 'hookId', range: ranges.id, check: async value => pageCallbacks(httpHooks.models, {hookId: value as number})},
	];
	for (const {name, range, check} of cases) {
		for (const value of badNumbers) {
			if (typeof value === 'number' && Number.isInteger(value) && value >= range.min && value <= range.max) {
				continue;
			}

			const shown = JSON.stringify(typeof value === 'number' || typeof value === 'bigint' ? String(value) : value);
			await t.throwsAsync(check(value), {instanceOf: HttpHooksError, message: message(name, range, shown)}, `${name} ${String(value)}`);
		}
	}
});

test('callback ids: numbers or the digit strings PostgreSQL returns for BIGINT; anything else is refused by name', t => {
	t.deepEqual(checkSendOptions({callbackIds: [42, '42', '7', 9007199254740991]}), {callbackIds: [42, 7, 9007199254740991]});
	for (const bad of ['4x', '-3', '0', ' 5', '1e3', '', '99999999999999999999', 0, 1.5, null]) {
		t.throws(() => checkSendOptions({callbackIds: [bad as number]}), {instanceOf: HttpHooksError, message: /^A callback id must be a whole number from 1 to 9007199254740991, got /}, String(bad));
	}
});

test('the one check: plain digits only, bounds inclusive', t => {
	const range = {min: 1, max: 10};
	t.is(parseInteger('--x', '10', range), 10);
	t.is(parseInteger('--x', '007', range), 7);
	t.is(checkInteger('x', 1, range), 1);
	for (const text of ['11', '+5', '5 ', '٥', '1_0', '5.0']) {
		t.throws(() => parseInteger('--x', text, range), {message: `--x must be a whole number from 1 to 10, got ${JSON.stringify(text)}`});
	}

	t.throws(() => checkInteger('x', 5n, range), {message: /^x must be a whole number from 1 to 10, got /});
});
