import {execFile} from 'node:child_process';
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {setTimeout as sleep} from 'node:timers/promises';
import test from 'ava';
import {startReceiver} from '../fixtures/receiver.js';
import {dialectTest} from './helpers/dialect-test.js';
import {eventually} from './helpers/callbacks.js';
import {appWithHook, callbackRow, callbackRows, createOwners} from './helpers/delivery.js';
import {hooksArgs, repoRoot, runHooks} from './helpers/run-cli.js';

dialectTest('--hook-id sends only that hook\'s callbacks; piped, one summary line', async (t, database) => {
	const receiver = await startReceiver();
	try {
		const setup = await appWithHook(t, database, {targetUrl: `${receiver.url}/first`});
		const second = await setup.httpHooks.createHook({name: 'second', model: 'Owner', signals: ['afterCreate'], targetUrl: `${receiver.url}/second`, contentType: 'application/json'});
		await createOwners(setup, ['Ann', 'Bob']);

		const run = await runHooks(['send-callbacks', '--database-url', database.url, '--hook-id', String(second.id)]);
		t.is(run.code, 0, run.stderr);
		t.regex(run.stdout, /^Sent 2 of 2 claimed callbacks, 0 retrying, 0 failed \(error\), in [\d.]+ s \([\d.]+\/s\)\n$/);
		t.false(run.stdout.includes('\r'), 'no progress line when piped');
		t.deepEqual(receiver.requests.map(request => request.url), ['/second', '/second']);
		t.is(await setup.httpHooks.models.Callback.count({where: {hookId: setup.hookId, status: 'waiting'}}), 2);

		const rest = await runHooks(['send-callbacks', '--database-url', database.url, '--limit', '1', '--json']);
		t.like(JSON.parse(rest.stdout), {claimed: 1, sent: 1, missing: []});
	} finally {
		await receiver.close();
	}
});

dialectTest('--callback resends an error callback and names ids that do not exist; exit codes', async (t, database) => {
	const receiver = await startReceiver(() => ({status: 410}));
	try {
		const setup = await appWithHook(t, database, {targetUrl: receiver.url});
		const [gone, other] = await createOwners(setup, ['Ann', 'Bob']);

		const failing = await runHooks(['send-callbacks', '--database-url', database.url, '--json']);
		t.is(failing.code, 1, 'some callbacks reached error');
		t.like(JSON.parse(failing.stdout), {claimed: 2, failed: 2});
		t.is((await callbackRow(setup.httpHooks, gone!.id)).status, 'error');

		receiver.respond(() => ({status: 200}));
		const resend = await runHooks(['send-callbacks', '--database-url', database.url, '--callback', String(gone!.id), '999999', '--json']);
		t.is(resend.code, 1, 'an id that does not exist is a failure');
		t.like(JSON.parse(resend.stdout), {claimed: 1, sent: 1, missing: [999_999]});
		t.is(resend.stderr, 'No callback with id 999999\n');
		t.like(await callbackRow(setup.httpHooks, gone!.id), {status: 'sent', attempts: 2});
		t.like(await callbackRow(setup.httpHooks, other!.id), {status: 'error'}, 'only the callback named');
		t.is(receiver.requests.at(-1)!.headers['webhook-id'], gone!.webhookId);
	} finally {
		await receiver.close();
	}
});

test('bad flags are usage errors naming the value (exit 2)', async t => {
	for (const [args, message] of [
		[['--callback', 'abc'], /--callback must be a whole number .*got "abc"/],
		[['--concurrency', '0'], /--concurrency must be a whole number from 1 to 1000, got "0"/],
		[['--hook-id', '1', '--callback', '2'], /either --hook-id or --callback/],
		[['17'], /Unexpected argument "17"/],
		[['--lease-seconds', 'soon'], /--lease-seconds must be a whole number from 1 to 86400, got "soon"/],
		[['--colour'], /Unknown flag/],
	] as const) {
		const run = await runHooks(['send-callbacks', '--database-url', 'sqlite:/nonexistent/never-opened.sqlite', ...args]);
		t.is(run.code, 2, `${args.join(' ')}: ${run.stderr}`);
		t.regex(run.stderr, message);
	}
});

test('an unreachable database is exit 3', async t => {
	const run = await runHooks(['send-callbacks', '--database-url', 'postgres://nobody@127.0.0.1:1/none']);
	t.is(run.code, 3);
	t.regex(run.stderr, /Cannot connect to the database postgres:\/\/nobody@127\.0\.0\.1:1\/none/);
});

dialectTest('on a terminal a progress line shows, then the summary', async (t, database) => {
	const receiver = await startReceiver(() => ({status: 200, delayMs: 30}));
	try {
		const setup = await appWithHook(t, database, {targetUrl: receiver.url});
		await createOwners(setup, Array.from({length: 60}, (_, index) => `owner ${index}`));
		// `script` runs the program on a pseudo-terminal, as a user at a terminal would.
		const command = [process.execPath, ...await hooksArgs(['send-callbacks', '--database-url', database.url, '--concurrency', '2'])].map(word => `'${word}'`).join(' ');
		const output = await new Promise<string>((resolve, reject) => {
			execFile('script', ['-qec', command, '/dev/null'], {cwd: repoRoot}, (error, stdout) => (error ? reject(error) : resolve(stdout)));
		});
		t.regex(output, /\r\u001B\[KSending: \d+ sent · 0 retrying · 0 failed · \d+ remaining · \d+\/s · Ctrl-C stops/);
		t.regex(output, /Sent 60 of 60 claimed callbacks, 0 retrying, 0 failed \(error\)/);
	} finally {
		await receiver.close();
	}
});

dialectTest('on a terminal the progress line counts the callbacks retrying now, not every failed attempt', async (t, database) => {
	// Each callback fails three times, then goes through: two callbacks, six failed attempts.
	const failures = new Map<string, number>();
	const receiver = await startReceiver(request => {
		const id = String(request.headers['webhook-id']);
		const failed = failures.get(id) ?? 0;
		failures.set(id, failed + 1);
		return {status: failed < 3 ? 500 : 200};
	});
	const directory = mkdtempSync(path.join(os.tmpdir(), 'http-hooks-progress-'));
	const done = path.join(directory, 'done');
	try {
		const setup = await appWithHook(t, database, {targetUrl: receiver.url, retryDelays: [100], maxAttempts: 10});
		await createOwners(setup, ['Ann', 'Bob']);
		const sender = [process.execPath, ...await hooksArgs(['send-callbacks', '--watch', '--database-url', database.url])].map(word => `'${word}'`).join(' ');
		// --watch runs until stopped: SIGTERM once both callbacks went through and a progress line followed.
		const command = `${sender} & sender=$!; while [ ! -e '${done}' ]; do sleep 0.1; done; kill -TERM $sender; wait $sender`;
		const output = new Promise<string>((resolve, reject) => {
			execFile('script', ['-qec', command, '/dev/null'], {cwd: repoRoot}, (error, stdout) => (error ? reject(error) : resolve(stdout)));
		});
		await receiver.waitFor(8, 60_000);
		await eventually(async () => (await callbackRows(setup.httpHooks)).every(row => row.status === 'sent') || undefined, 30_000, 'both callbacks sent');
		await sleep(600);
		writeFileSync(done, '');
		const lines = [...(await output).matchAll(/Sending: (\d+) sent · (\d+) retrying · (\d+) failed/g)].map(match => match.slice(1).map(Number));
		t.true(lines.length > 0);
		t.true(lines.some(([, retrying]) => retrying! > 0), 'a callback waiting for its retry is counted');
		t.true(lines.every(([, retrying]) => retrying! <= 2), `never more than the two callbacks: ${JSON.stringify(lines)}`);
		t.deepEqual(lines.at(-1), [2, 0, 0], 'once both went through, none is retrying');
	} finally {
		writeFileSync(done, '');
		await receiver.close();
		rmSync(directory, {recursive: true, force: true});
	}
});
