import test from 'ava';
import {defaultDeliverySettings, resolveDeliverySettings} from '../source/delivery/delivery-settings.js';
import type {AttemptResult} from '../source/delivery/http-client.js';
import {judgeAttempt} from '../source/delivery/outcome.js';
import {retryAfterMs} from '../source/delivery/retry-after.js';
import {retryDelayMs} from '../source/delivery/retry-schedule.js';

const second = 1000;
const minute = 60 * second;
const hour = 60 * minute;

function answer(statusCode: number | null, fields: Partial<AttemptResult> = {}): AttemptResult {
	return {startedAt: new Date(), durationMs: 3, statusCode, error: statusCode === null ? 'ECONNREFUSED: connect ECONNREFUSED' : null, responseBody: null, ...fields};
}

test('the default schedule: retries 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h after each failure, ±20 %', t => {
	const expected = [5 * second, 5 * minute, 30 * minute, 2 * hour, 5 * hour, 10 * hour, 10 * hour];
	for (const [index, base] of expected.entries()) {
		t.is(retryDelayMs(index + 1, defaultDeliverySettings, undefined, () => 0.5), base, 'no jitter at the middle');
		t.is(retryDelayMs(index + 1, defaultDeliverySettings, undefined, () => 0), base * 0.8);
		t.is(retryDelayMs(index + 1, defaultDeliverySettings, undefined, () => 1), base * 1.2);
	}

	t.is(retryDelayMs(20, defaultDeliverySettings, undefined, () => 0.5), 10 * hour, 'the last delay repeats');
	const spread = new Set(Array.from({length: 50}, () => retryDelayMs(1, defaultDeliverySettings)));
	t.true(spread.size > 10, 'jitter spreads retries');
	t.true([...spread].every(delay => delay >= 4000 && delay <= 6000));
});

test('Retry-After: seconds or an HTTP date; replaces the schedule, capped', t => {
	const now = Date.parse('2025-01-01T00:00:00Z');
	t.is(retryAfterMs('120', now), 120_000);
	t.is(retryAfterMs(' 0 ', now), 0);
	t.is(retryAfterMs('Wed, 01 Jan 2025 00:02:00 GMT', now), 120_000);
	t.is(retryAfterMs('Tue, 31 Dec 2024 00:00:00 GMT', now), 0, 'a date past is no wait');
	t.is(retryAfterMs('soon', now), undefined);
	t.is(retryAfterMs('Wednesday, 01-Jan-25 00:02:00 GMT', now), 120_000, 'the RFC 850 form');
	t.is(retryAfterMs('Wed Jan  1 00:02:00 2025', now), 120_000, 'the asctime form, in GMT whatever the local zone');
	// Neither digits nor an HTTP-date: the schedule applies (the lenient parser read `-5` as 2001).
	for (const bad of ['-5', '1.5', '1e3', '0x10', '+5', '2025-01-01', '5 s', 'Wed, 01 Jan 2025']) {
		t.is(retryAfterMs(bad, now), undefined, bad);
	}

	t.is(retryAfterMs(null, now), undefined);
	t.is(retryDelayMs(1, defaultDeliverySettings, 120_000), 120_000);
	t.is(retryDelayMs(1, defaultDeliverySettings, 10 * 24 * hour), 24 * hour);
});

test('judging attempts: 2xx sent, 410 final, others retried until attempts run out', t => {
	const now = new Date('2025-01-01T00:00:00Z');
	const settings = defaultDeliverySettings;
	t.deepEqual(judgeAttempt(answer(204), 1, settings, now), {status: 'sent', statusDetails: 'status_code:204', nextAttemptAt: null});
	t.deepEqual(judgeAttempt(answer(410), 1, settings, now), {status: 'error', statusDetails: 'status_code:410', nextAttemptAt: null});
	t.deepEqual(judgeAttempt(answer(500), 1, settings, now, () => 0.5), {status: 'waiting', statusDetails: 'status_code:500', nextAttemptAt: new Date(now.getTime() + 5000)});
	t.deepEqual(judgeAttempt(answer(429, {retryAfterMs: 30_000}), 2, settings, now), {status: 'waiting', statusDetails: 'status_code:429', nextAttemptAt: new Date(now.getTime() + 30_000)});
	t.is(judgeAttempt(answer(500), 7, settings, now).status, 'waiting');
	t.is(judgeAttempt(answer(500), 8, settings, now).status, 'error', 'the 8th attempt is the last');
	t.is(judgeAttempt(answer(302), 1, settings, now).status, 'waiting', 'a redirect is a failure');
	t.is(judgeAttempt(answer(429, {retryAfterMs: 0}), 1, settings, now).nextAttemptAt!.getTime(), now.getTime() + 1, 'never due at the same instant');

	const error = judgeAttempt(answer(null, {error: 'x'.repeat(2000)}), 1, settings, now);
	t.is(error.statusDetails.length, 512, 'the error text is cut to 512 characters');
});

test('delivery settings: defaults, overrides, and errors naming the value', t => {
	t.like(resolveDeliverySettings(), {timeoutMs: 15_000, maxAttempts: 8, leaseMs: 60_000, concurrency: 10});
	t.like(resolveDeliverySettings({timeoutMs: 500, concurrency: 4}), {timeoutMs: 500, concurrency: 4, maxAttempts: 8});
	t.throws(() => resolveDeliverySettings({maxAttempts: 0}), {message: 'delivery.maxAttempts must be a whole number from 1 to 1000, got "0"'});
	t.throws(() => resolveDeliverySettings({retryDelaysMs: []}), {message: /delivery\.retryDelaysMs must be a non-empty list/});
	t.throws(() => resolveDeliverySettings({jitter: 1.5}), {message: /delivery\.jitter .*got "1\.5"/});
	t.throws(() => resolveDeliverySettings({leaseMs: 10}), {message: /delivery\.leaseMs must be a whole number from 1000 to 86400000, got "10"/});
});
