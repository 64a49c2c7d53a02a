import test from 'ava';
import {connectHttpHooks} from '../source/index.js';
import {createTestDatabase} from './helpers/database.js';
import {dialectTest} from './helpers/dialect-test.js';
import {insertCallbacks, minutesAgo, runHooks} from './helpers/run-cli.js';

test('resend and cancel: bad input is a usage error naming the value (exit 2), before any connection', async t => {
	// No database at all: usage is checked first.
	const url = ['--database-url', 'postgres://nobody@127.0.0.1:1/none'];
	const cases: Array<[string[], RegExp]> = [
		[['resend', '--since', 'yesterday-ish'], /^--since must be a duration back from now \(90m, 2h, 3d, 1w\) or an ISO time .*got "yesterday-ish"/],
		[['resend', '--since=-2h'], /^--since must be .*got "-2h"/],
		[['cancel', '--until', '1e400h'], /^--until must be .*got "1e400h"/],
		[['cancel', '--since', '2026-02-30'], /^--since must be .*got "2026-02-30": not a real date/],
		[['resend', '--since', '1h', '--until', '2h'], /^--since \(.*\) must be before --until \(.*\)/],
		[['resend', '--status', 'failed', '--hook-id', '1'], /^Status "failed" is not one of waiting, sending, sent, error, cancelled/],
		[['resend', '--status', 'sending'], /^Cannot resend "sending" callbacks: a callback being sent right now is never resent/],
		[['cancel', '--status', 'sent'], /^Cannot cancel "sent" callbacks: sent is final/],
		[['cancel', '--hook-id', '0'], /^--hook-id must be a whole number from 1 to \d+, got "0"/],
		[['cancel', '--callback', '12x'], /^--callback must be a whole number .*got "12x"/],
		[['resend'], /^Too broad: say which callbacks to resend \(--hook-id, --status, --since, --until or --callback\), or give --all for every error callback/],
		[['cancel', '--dry-run'], /^Too broad: say which callbacks to cancel .* or give --all for every waiting or sending callback/],
		[['cancel', '--hook-id', '1', '--batch-size', '0'], /^--batch-size must be a whole number from 1 to 100000, got "0"/],
		[['cancel', '--hook-id', '1', '--bogus'], /Unknown flag/],
	];
	for (const [args, message] of cases) {
		const result = await runHooks([...args, ...url]);
		t.is(result.code, 2, `${args.join(' ')}: ${result.stderr}`);
		t.regex(result.stderr, message, args.join(' '));
	}
});

test('resend and cancel --help say what they select and how', async t => {
	for (const command of ['resend', 'cancel']) {
		const help = await runHooks([command, '--help']);
		t.is(help.code, 0);
		for (const text of ['--hook-id', '--status', '--since', '--until', '--callback', '--all', '--dry-run', '--json', '90m, 2h, 3d', 'Exit codes']) {
			t.true(help.stdout.includes(text), `${command} --help mentions ${text}`);
		}
	}

	const global = await runHooks(['--help']);
	t.regex(global.stdout, /resend +Put failed/);
	t.regex(global.stdout, /cancel +Cancel waiting/);
});

dialectTest('resend and cancel on the command line: a hook that does not exist exits 1 naming it; --json and --dry-run', async (t, db) => {
	const httpHooks = await connectHttpHooks(db.sequelize);
	const [hook] = await httpHooks.models.Hook.bulkCreate([{name: 'a', model: 'Pet', targetUrl: 'http://127.0.0.1:9/x', httpMethod: 'POST'}]);
	const failed = await insertCallbacks(httpHooks.models, 3, {hookId: hook!.id, status: 'error', createdAt: minutesAgo(90)});
	const waiting = await insertCallbacks(httpHooks.models, 2, {hookId: hook!.id, nextAttemptAt: new Date(Date.now() + 3_600_000)});
	const url = ['--database-url', db.url];

	const missing = await runHooks(['cancel', '--hook-id', '4242', ...url]);
	t.is(missing.code, 1);
	t.regex(missing.stderr, /No hook with id "4242"/);

	const dry = await runHooks(['resend', '--hook-id', String(hook!.id), '--since', '2h', '--dry-run', ...url]);
	t.is(dry.code, 0, dry.stderr);
	t.regex(dry.stdout, /^Would resend 3 callbacks error of hook \d+ created from \S+Z to \S+Z \(dry run: nothing changed\)\n$/);
	t.is(await httpHooks.models.Callback.count({where: {status: 'error'}}), 3, 'the dry run changed nothing');

	const resent = await runHooks(['resend', '--hook-id', String(hook!.id), '--since', '1h', '--json', ...url]);
	t.is(resent.code, 0, resent.stderr);
	t.like(JSON.parse(resent.stdout), {resent: 0, matched: 0, statuses: ['error'], dryRun: false}, 'created 90 minutes ago: outside the last hour');

	const window = await runHooks(['resend', '--status', 'error', '--since', new Date(Date.now() - 7_200_000).toISOString(), '--json', ...url]);
	t.like(JSON.parse(window.stdout), {resent: 3, matched: 3});

	const cancel = await runHooks(['cancel', '--callback', `${waiting[0]},${failed[0]}`, '--json', ...url]);
	t.is(cancel.code, 0, cancel.stderr);
	t.like(JSON.parse(cancel.stdout), {cancelled: 2, wereSending: 0, stillSending: 0, stopped: false}, 'the resent one was waiting again');

	const all = await runHooks(['cancel', '--all', ...url]);
	t.is(all.code, 0, all.stderr);
	t.regex(all.stdout, /^Cancelled 3 callbacks waiting or sending created before \S+\n$/);
	t.is(await httpHooks.models.Callback.count({where: {status: 'cancelled'}}), 5);

	const explicit = await runHooks(['send-callbacks', '--callback', String(waiting[0]), ...url]);
	t.is(explicit.code, 1);
	t.regex(explicit.stderr, new RegExp(`Not sent: callback ${waiting[0]} is cancelled \\(final\\); \`hooks resend --status cancelled --callback ${waiting[0]}\` puts it back in the queue`));

	const listed = await runHooks(['list-callbacks', '--status', 'cancelled', '--json', ...url]);
	t.is((JSON.parse(listed.stdout) as {callbacks: unknown[]}).callbacks.length, 5);
	const monitor = await runHooks(['monitor-callbacks', '--status', 'cancelled', '--callbacks-limit', '10', ...url]);
	t.is(monitor.code, 0, monitor.stderr);
	t.regex(monitor.stdout, /^CALLBACKS OK - 5 cancelled callbacks in total/);
	const back = await runHooks(['resend', '--status', 'cancelled', '--callback', String(waiting[0]), '--json', ...url]);
	t.like(JSON.parse(back.stdout), {resent: 1});
});

test('resend on an unreachable database exits 3', async t => {
	const db = await createTestDatabase('sqlite');
	try {
		const result = await runHooks(['resend', '--all', '--database-url', `${db.url}.missing`]);
		t.is(result.code, 3, result.stderr);
	} finally {
		await db.close();
	}
});
