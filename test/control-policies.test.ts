import test from 'ava';
import {defaultDeliverySettings} from '../source/delivery/delivery-settings.js';
import {FairShare} from '../source/delivery/fair-share.js';
import type {ClaimedCallback} from '../source/delivery/claim.js';
import {judgeAttempt} from '../source/delivery/outcome.js';
import {allowance, msUntilToken, refill, tokensToWaitFor} from '../source/delivery/rate-limit.js';
import {retryDelayMs, scheduleFor} from '../source/delivery/retry-schedule.js';
import {burstOf} from '../source/hooks/delivery-fields.js';

test('a token bucket fills at the rate up to half a second\'s worth (at least one), from the database clock', t => {
	t.is(burstOf(20), 10);
	t.is(burstOf(0.5), 1);
	t.deepEqual(refill({tokens: 0, refilledMs: 1000}, 1250, 20), {tokens: 5, refilledMs: 1250});
	t.deepEqual(refill({tokens: 0, refilledMs: 1000}, 60_000, 20), {tokens: 10, refilledMs: 60_000}, 'never more than the burst');
	t.deepEqual(refill({tokens: 3, refilledMs: 5000}, 4000, 20), {tokens: 3, refilledMs: 5000}, 'a clock that went back adds nothing');
	t.deepEqual(refill({tokens: 40, refilledMs: 1000}, 1000, 20), {tokens: 10, refilledMs: 1000}, 'a lowered limit lowers the burst');
	t.is(msUntilToken(0.5, 20), 25);
	t.is(msUntilToken(1, 20), 0);
	t.is(msUntilToken(0, 0.1), 10_000);
	t.is(msUntilToken(0.5, 20, 2), 75, 'until two tokens');
	t.is(tokensToWaitFor(20), 2, 'a tenth of a second\'s worth');
	t.is(tokensToWaitFor(0.5), 1, 'at least one');
	t.is(tokensToWaitFor(1), 1);
});

test('a limited claim takes what it wants, the whole tokens and the room under the cap, whichever is least', t => {
	t.is(allowance(200, 7.9, 0, null), 7);
	t.is(allowance(3, 7.9, 0, null), 3);
	t.is(allowance(200, Number.POSITIVE_INFINITY, 3, 5), 2);
	t.is(allowance(200, Number.POSITIVE_INFINITY, 6, 5), 0, 'over the cap (a lease taken over): nothing, never negative');
	t.is(allowance(200, 0.99, 0, 5), 0);
});

test('a hook\'s own schedule overrides the sender\'s maxAttempts and retryDelaysMs; null fields keep the sender\'s', t => {
	const failed = {startedAt: new Date(), durationMs: 3, statusCode: 500, error: null, responseBody: null};
	const now = new Date('2026-01-01T00:00:00Z');
	const own = scheduleFor(defaultDeliverySettings, {maxAttempts: 2, retryDelays: [60_000]});
	t.is(own.maxAttempts, 2);
	t.deepEqual(own.retryDelaysMs, [60_000]);
	t.is(retryDelayMs(1, own, undefined, () => 0.5), 60_000);
	t.is(retryDelayMs(5, own, undefined, () => 0.5), 60_000, 'the last delay repeats');
	t.is(judgeAttempt(failed, 1, own, now, () => 0.5).nextAttemptAt?.getTime(), now.getTime() + 60_000);
	t.like(judgeAttempt(failed, 2, own, now), {status: 'error'}, 'no attempts left after the hook\'s 2');
	t.like(judgeAttempt(failed, 2, defaultDeliverySettings, now), {status: 'waiting'}, 'the sender allows 8');

	t.is(scheduleFor(defaultDeliverySettings, undefined), defaultDeliverySettings);
	t.is(scheduleFor(defaultDeliverySettings, {maxAttempts: null, retryDelays: null}), defaultDeliverySettings);
	t.like(scheduleFor(defaultDeliverySettings, {maxAttempts: 3, retryDelays: null}), {maxAttempts: 3, retryDelaysMs: defaultDeliverySettings.retryDelaysMs});
	t.like(scheduleFor(defaultDeliverySettings, {maxAttempts: null, retryDelays: [0]}), {maxAttempts: 8, retryDelaysMs: [0]});
});

function callbacks(hookId: number | null, count: number, start = 0): ClaimedCallback[] {
	return Array.from({length: count}, (_, index) => ({
		id: start + index, hookId, webhookId: 'w', targetUrl: 'http://x', httpMethod: 'POST', contentType: null, headers: '{}', payload: null, attempts: 0, orderingKey: null,
	}));
}

test('fair shares: a hook alone takes every slot; two hooks take turns and half each; a slow hook gets a tenth beside others', t => {
	let now = 0;
	const share = new FairShare({slots: 10, fullAt: 50, slowMs: 500, clock: () => now});
	share.push(callbacks(1, 30));
	const alone = Array.from({length: 12}, () => share.take()).filter(Boolean);
	t.is(alone.length, 10, 'alone: all ten slots, no more');

	for (const callback of alone) {
		share.finished(callback!.hookId, 10);
	}

	share.push(callbacks(2, 30, 100));
	const both = Array.from({length: 12}, () => share.take()).filter(Boolean);
	t.deepEqual(both.map(callback => callback!.hookId), [2, 1, 2, 1, 2, 1, 2, 1, 2, 1], 'round-robin, five each');

	// Hook 1's requests now take the timeout: it is slow, and keeps one slot beside hook 2.
	for (const callback of both) {
		share.finished(callback!.hookId, callback!.hookId === 1 ? 1000 : 10);
	}

	now += 100;
	const slow = Array.from({length: 12}, () => share.take()).filter(Boolean);
	t.is(slow.filter(callback => callback!.hookId === 1).length, 1, 'the slow hook: one slot');
	t.is(slow.filter(callback => callback!.hookId === 2).length, 9, 'the other: nine');

	// Once the other hook has had no work for a while, the slow one may use every slot again.
	for (const callback of slow) {
		share.finished(callback!.hookId, 1000);
	}

	share.drain();
	share.push(callbacks(1, 20, 200));
	now += 5000;
	t.is(Array.from({length: 12}, () => share.take()).filter(Boolean).length, 10);
});

test('fair shares: on a starved machine where every hook is slow, only one at least twice as slow as the fastest is held to a tenth', t => {
	const share = new FairShare({slots: 10, fullAt: 500, slowMs: 500});
	share.push([...callbacks(1, 100), ...callbacks(2, 100, 1000), ...callbacks(3, 100, 2000)]);
	const first = Array.from({length: 10}, () => share.take()!);
	for (const callback of first) {
		share.finished(callback.hookId, {1: 700, 2: 900, 3: 3000}[callback.hookId!]);
	}

	const next = Array.from({length: 10}, () => share.take()).filter(Boolean);
	const count = (hookId: number) => next.filter(callback => callback!.hookId === hookId).length;
	t.is(count(3), 1, 'the hanging one: one slot');
	t.is(count(1) + count(2), 9, 'the two merely slow ones share the rest');
	t.true(count(1) >= 4 && count(2) >= 4);
});

test('fair shares: a hook with a whole batch queued is left out of claims until it runs low; deleted hooks\' callbacks never are', t => {
	const share = new FairShare({slots: 10, fullAt: 5, slowMs: 500});
	share.push([...callbacks(1, 6), ...callbacks(2, 2, 10), ...callbacks(null, 9, 20)]);
	t.deepEqual(share.full(), [1]);
	t.is(share.unfull, 11, 'what the non-full hooks have queued');
	t.false(share.roomFor([1]));
	t.deepEqual([share.take(), share.take(), share.take()].map(callback => callback?.hookId), [1, 2, null], 'round-robin');
	t.false(share.roomFor([1]), 'still five of hook 1');
	t.is(share.take()?.hookId, 1);
	t.true(share.roomFor([1]));
	t.deepEqual(share.full(), []);
	t.is(share.drain().length, 13);
	t.is(share.length, 0);
});
