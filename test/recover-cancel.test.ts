import test from 'ava';
import {Op} from 'sequelize';
import {connectHttpHooks, HttpHooksError, InvalidSelectionError, type HttpHooks} from '../source/index.js';
import {startReceiver} from '../fixtures/receiver.js';
import {parseTimeSelector} from '../source/operations/time-selector.js';
import {requeueCallbacks} from '../source/operations/browse-callbacks.js';
import {checkSelection} from '../source/operations/callback-selection.js';
import {resendRules} from '../source/operations/resend-callbacks.js';
import {cancelRules} from '../source/operations/cancel-callbacks.js';
import {recordResults} from '../source/delivery/record-results.js';
import {releaseClaims, renewLeases} from '../source/delivery/claim.js';
import {allDialects, dialectTest} from './helpers/dialect-test.js';
import {daysAgo, insertCallbacks, minutesAgo} from './helpers/run-cli.js';

const now = new Date('2026-03-01T12:00:00Z');

async function statusOf(httpHooks: HttpHooks, ids: number[]): Promise<string[]> {
	const rows = await httpHooks.models.Callback.findAll({where: {id: ids}, order: [['id', 'ASC']]});
	return rows.map(row => row.status);
}

test('since and until: durations back from now and ISO times', t => {
	t.is(parseTimeSelector('since', '90m', now).toISOString(), '2026-03-01T10:30:00.000Z');
	t.is(parseTimeSelector('since', '2h', now).toISOString(), '2026-03-01T10:00:00.000Z');
	t.is(parseTimeSelector('since', '3d', now).toISOString(), '2026-02-26T12:00:00.000Z');
	t.is(parseTimeSelector('since', '1w', now).toISOString(), '2026-02-22T12:00:00.000Z');
	t.is(parseTimeSelector('since', '2026-02-28T02:00:00Z', now).toISOString(), '2026-02-28T02:00:00.000Z');
	t.is(parseTimeSelector('since', '2026-02-28T02:00:00.5+01:00', now).toISOString(), '2026-02-28T01:00:00.500Z');
	t.is(parseTimeSelector('until', new Date(5), now).getTime(), 5);
});

test('since and until: anything else is an error naming the value', t => {
	for (const bad of ['yesterday-ish', '-2h', '1e400h', '2h ', ' 2h', '2H', '2', 'h', '1.5h', '0x10m', '2026-02-30', '2026-13-01T00:00Z', '2026-02-28T25:00Z', '99999999d', '2h\u0000', '']) {
		const error = t.throws(() => parseTimeSelector('since', bad, now), {instanceOf: HttpHooksError});
		t.true(error.message.startsWith('since must be a duration back from now'), error.message);
		t.true(error.message.includes(JSON.stringify(bad)), error.message);
	}

	for (const bad of [{toString: () => '2h'}, 7200, null, new Date(Number.NaN), ['2h']]) {
		t.throws(() => parseTimeSelector('until', bad, now), {instanceOf: HttpHooksError, message: /^until must be/});
	}
});

test('a selection: known statuses only, allowed ones only, since before until, and never nothing at all', t => {
	t.deepEqual(checkSelection({hookId: 3}, resendRules, now).statuses, ['error']);
	t.deepEqual(checkSelection({hookId: 3}, cancelRules, now).statuses, ['waiting', 'sending']);
	t.deepEqual(checkSelection({all: true}, cancelRules, now).until, now);
	t.throws(() => checkSelection({}, resendRules, now), {instanceOf: InvalidSelectionError, message: /^Too broad: say which callbacks to resend .* or give all: true for every error callback$/});
	t.throws(() => checkSelection({all: false}, cancelRules, now), {message: /^Too broad/});
	t.throws(() => checkSelection({status: 'failed' as never}, resendRules, now), {message: 'Status "failed" is not one of waiting, sending, sent, error, cancelled'});
	t.throws(() => checkSelection({status: 'sending'}, resendRules, now), {message: /^Cannot resend "sending" callbacks: a callback being sent right now is never resent/});
	t.throws(() => checkSelection({status: ['waiting', 'sent']}, cancelRules, now), {message: 'Cannot cancel "sent" callbacks: sent is final: it was delivered'});
	t.throws(() => checkSelection({status: []}, cancelRules, now), {message: /^status is an empty list/});
	t.throws(() => checkSelection({since: '2h', until: '3h'}, resendRules, now), {message: 'since (2026-03-01T10:00:00.000Z) must be before until (2026-03-01T09:00:00.000Z)'});
	t.throws(() => checkSelection({hookId: -1}, resendRules, now), {message: 'hookId must be a whole number from 1 to 9007199254740991, got "-1"'});
	t.throws(() => checkSelection({callbackIds: []}, cancelRules, now), {message: /^callbackIds must be a non-empty list/});
	t.throws(() => checkSelection({callbackIds: ['1; DROP TABLE x']}, cancelRules, now), {message: /A callback id must be a whole number .* got "1; DROP TABLE x"/});
	t.throws(() => checkSelection('everything' as never, cancelRules, now), {message: /^The selection must be an object/});
});

dialectTest('resend: selected error callbacks go back to waiting, due now, with a full round of attempts; their attempt rows stay', async (t, db) => {
	const httpHooks = await connectHttpHooks(db.sequelize);
	const [hookA, hookB] = await httpHooks.models.Hook.bulkCreate(['a', 'b'].map(name => ({name, model: 'Pet', targetUrl: 'http://127.0.0.1:9/x', httpMethod: 'POST'})));
	const recent = await insertCallbacks(httpHooks.models, 4, {hookId: hookA!.id, status: 'error', attempts: 8, statusDetails: 'status_code:500', createdAt: minutesAgo(30)});
	const old = await insertCallbacks(httpHooks.models, 2, {hookId: hookA!.id, status: 'error', attempts: 8, createdAt: daysAgo(2)});
	const otherHook = await insertCallbacks(httpHooks.models, 2, {hookId: hookB!.id, status: 'error', attempts: 8, createdAt: minutesAgo(30)});
	const sent = await insertCallbacks(httpHooks.models, 2, {hookId: hookA!.id, status: 'sent', createdAt: minutesAgo(30)});
	const cancelled = await insertCallbacks(httpHooks.models, 2, {hookId: hookA!.id, status: 'cancelled', createdAt: minutesAgo(30)});
	const sending = await insertCallbacks(httpHooks.models, 2, {hookId: hookA!.id, status: 'sending', lockedBy: 'w', leaseUntil: new Date(Date.now() + 60_000), createdAt: minutesAgo(30)});
	await httpHooks.models.Attempt.bulkCreate(recent.map(callbackId => ({callbackId, attempt: 8, startedAt: new Date(), durationMs: 3, statusCode: 500})));

	const dry = await httpHooks.resendCallbacks({hookId: hookA!.id, since: '2h', dryRun: true});
	t.like(dry, {resent: 4, matched: 4, dryRun: true, stopped: false, statuses: ['error']});
	t.deepEqual(await statusOf(httpHooks, recent), ['error', 'error', 'error', 'error'], 'a dry run changes nothing');

	const progress: number[] = [];
	const result = await httpHooks.resendCallbacks({hookId: hookA!.id, since: '2h', batchSize: 3, onProgress: ({done}) => progress.push(done)});
	t.like(result, {resent: 4, matched: 4, dryRun: false, stopped: false});
	t.deepEqual(progress, [3, 4]);
	const rows = await httpHooks.models.Callback.findAll({where: {id: recent}});
	for (const row of rows) {
		t.like(row.get({plain: true}), {status: 'waiting', attempts: 0, lockedBy: null, statusDetails: 'resent; was error: status_code:500'});
		t.true(row.nextAttemptAt!.getTime() <= Date.now());
	}

	t.is(await httpHooks.models.Attempt.count({where: {callbackId: recent}}), 4, 'the attempt history stays');
	t.deepEqual(await statusOf(httpHooks, [...old, ...otherHook]), ['error', 'error', 'error', 'error'], 'outside the window or of another hook');
	t.deepEqual(await statusOf(httpHooks, [...sent, ...cancelled, ...sending]), ['sent', 'sent', 'cancelled', 'cancelled', 'sending', 'sending']);

	// Cancelled ones come back only when named; sent ones when asked; sending ones never.
	t.like(await httpHooks.resendCallbacks({status: ['cancelled', 'sent'], callbackIds: [...cancelled, sent[0]!]}), {resent: 3});
	t.deepEqual(await statusOf(httpHooks, [...sent, ...cancelled]), ['waiting', 'sent', 'waiting', 'waiting']);
	t.like(await httpHooks.resendCallbacks({all: true, until: '1d'}), {resent: 2, matched: 2}, 'every error callback created over a day ago');
	t.deepEqual(await statusOf(httpHooks, sending), ['sending', 'sending']);
	await t.throwsAsync(httpHooks.resendCallbacks({hookId: 999}), {instanceOf: HttpHooksError, message: 'No hook with id "999"'});
}, {dialects: allDialects});

dialectTest('cancel: waiting callbacks become cancelled and no sender claims them, nor an explicit send of their id', async (t, db) => {
	const receiver = await startReceiver();
	try {
		const httpHooks = await connectHttpHooks(db.sequelize);
		const waiting = await insertCallbacks(httpHooks.models, 5, {targetUrl: receiver.url, nextAttemptAt: new Date()});
		const errors = await insertCallbacks(httpHooks.models, 1, {targetUrl: receiver.url, status: 'error'});
		t.like(await httpHooks.cancelCallbacks({callbackIds: [...waiting.slice(0, 3), ...errors], dryRun: true}), {cancelled: 3, dryRun: true});
		t.deepEqual(await statusOf(httpHooks, waiting), ['waiting', 'waiting', 'waiting', 'waiting', 'waiting'], 'a dry run changes nothing');
		const result = await httpHooks.cancelCallbacks({callbackIds: [...waiting.slice(0, 3), ...errors]});
		t.like(result, {cancelled: 3, matched: 3, wereSending: 0, stillSending: 0, stopped: false});
		const row = await httpHooks.models.Callback.findByPk(waiting[0]);
		t.like(row!.get({plain: true}), {status: 'cancelled', nextAttemptAt: null, statusDetails: 'cancelled; was waiting'});

		const summary = await httpHooks.sendCallbacks();
		t.like(summary, {claimed: 2, sent: 2, cancelled: []});
		const explicit = await httpHooks.sendCallbacks({callbackIds: [waiting[0]!, 424_242]});
		t.like(explicit, {claimed: 0, missing: [424_242], cancelled: [waiting[0]]});
		t.is(receiver.requests.length, 2, 'nothing cancelled was sent');
		t.deepEqual(await statusOf(httpHooks, waiting), ['cancelled', 'cancelled', 'cancelled', 'sent', 'sent']);

		// Everywhere statuses are counted.
		const [stats] = await httpHooks.stats();
		t.is(stats!.counts.cancelled, 3);
		t.like(await httpHooks.monitorCallbacks({status: 'cancelled', callbacksLimit: 2}), {count: 3, level: 'warning'});
		await httpHooks.models.Callback.update({createdAt: daysAgo(10)}, {where: {id: waiting}});
		t.like(await httpHooks.deleteOldCallbacks(5), {deleted: 5, skipped: 0}, 'cancelled is final: deleted by age');
	} finally {
		await receiver.close();
	}
}, {dialects: allDialects});

dialectTest('cancel of a callback being sent: the attempt is recorded, the status stays cancelled, and the cancel waits for it', async (t, db) => {
	const httpHooks = await connectHttpHooks(db.sequelize);
	const [held, queued] = await insertCallbacks(httpHooks.models, 2, {status: 'sending', lockedBy: 'worker-1', leaseUntil: new Date(Date.now() + 60_000), attempts: 2});
	let settled = false;
	const cancelling = httpHooks.cancelCallbacks({callbackIds: [held!, queued!]}).then(result => {
		settled = true;
		return result;
	});
	await new Promise(resolve => setTimeout(resolve, 400));
	t.deepEqual(await statusOf(httpHooks, [held!, queued!]), ['cancelled', 'cancelled']);
	t.false(settled, 'the cancel waits while a sender holds them');

	// The sender keeps its lease alive while the request lasts, then writes the attempt's result.
	await renewLeases(db.sequelize, 'worker-1', [held!, queued!], new Date(Date.now() + 60_000));
	t.is(await httpHooks.models.Callback.count({where: {id: [held!, queued!], leaseUntil: {[Op.gt]: new Date(Date.now() + 30_000)}}}), 2);
	const result = {startedAt: new Date(), durationMs: 12, statusCode: 200, error: null, responseBody: 'ok'};
	const applied = await recordResults(db.sequelize, 'worker-1', [{id: held!, attempt: 3, result, outcome: {status: 'sent', statusDetails: 'status_code:200', nextAttemptAt: null}}]);
	t.deepEqual([...applied], [held]);
	t.false(settled, 'one is still held');
	// The other had not started: the sender gives it back, cancelled it stays.
	await releaseClaims(db.sequelize, 'worker-1', [queued!], new Date());
	t.like(await cancelling, {cancelled: 2, wereSending: 2, stillSending: 0, stopped: false});

	const rows = await httpHooks.models.Callback.findAll({where: {id: [held!, queued!]}, order: [['id', 'ASC']]});
	t.like(rows[0]!.get({plain: true}), {status: 'cancelled', attempts: 3, lockedBy: null, leaseUntil: null, statusDetails: 'cancelled; was sending'});
	t.like(rows[1]!.get({plain: true}), {status: 'cancelled', attempts: 2, lockedBy: null});
	t.is(await httpHooks.models.Attempt.count({where: {callbackId: held}}), 1, 'the attempt under way is recorded');
}, {dialects: allDialects});

dialectTest('cancel: a signal stops the wait for a sender that holds a callback, and says what is still held', async (t, db) => {
	const httpHooks = await connectHttpHooks(db.sequelize);
	const ids = await insertCallbacks(httpHooks.models, 1, {status: 'sending', lockedBy: 'worker-1', leaseUntil: new Date(Date.now() + 60_000)});
	const result = await httpHooks.cancelCallbacks({callbackIds: ids, signal: AbortSignal.timeout(300)});
	t.like(result, {cancelled: 1, wereSending: 1, stillSending: 1, stopped: true});
	// A sender that died: once its lease ran out nobody holds the callback, and nothing waits for it.
	const expired = await insertCallbacks(httpHooks.models, 1, {status: 'sending', lockedBy: 'dead', leaseUntil: new Date(Date.now() - 1000)});
	t.like(await httpHooks.cancelCallbacks({callbackIds: expired}), {cancelled: 1, wereSending: 0, stopped: false});
	t.like(await httpHooks.sendCallbacks(), {claimed: 0}, 'an expired cancelled claim is never taken over');
}, {dialects: allDialects});

dialectTest('a cancelled callback whose attempt is under way is not deleted by age; the console\'s resend never takes one a sender holds', async (t, db) => {
	const httpHooks = await connectHttpHooks(db.sequelize);
	const lease = {lockedBy: 'worker-1', leaseUntil: new Date(Date.now() + 60_000), createdAt: daysAgo(40)};
	const [held] = await insertCallbacks(httpHooks.models, 1, {status: 'cancelled', ...lease});
	const [idle] = await insertCallbacks(httpHooks.models, 1, {status: 'cancelled', createdAt: daysAgo(40)});
	t.like(await httpHooks.deleteOldCallbacks(30, {dryRun: true}), {deleted: 1, skipped: 1});
	t.like(await httpHooks.deleteOldCallbacks(30), {deleted: 1, skipped: 1});
	t.deepEqual((await httpHooks.models.Callback.findAll()).map(row => row.id), [held]);
	t.not(idle, held);

	const [sending] = await insertCallbacks(httpHooks.models, 1, {status: 'sending', ...lease});
	const [expired] = await insertCallbacks(httpHooks.models, 1, {status: 'sending', lockedBy: 'dead', leaseUntil: new Date(Date.now() - 1000)});
	t.is(await requeueCallbacks(httpHooks.models, {ids: [sending!, expired!]}), 1);
	t.deepEqual(await statusOf(httpHooks, [sending!, expired!]), ['sending', 'waiting']);
}, {dialects: allDialects});
