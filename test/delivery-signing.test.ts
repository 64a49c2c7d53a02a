import {randomBytes} from 'node:crypto';
import test from 'ava';
import {startReceiver} from '../fixtures/receiver.js';
import {signatureHeaders} from '../source/delivery/sign.js';
import {dialectTest} from './helpers/dialect-test.js';
import {appWithHook, createOwners, makeDue, verifySignature} from './helpers/delivery.js';

const secret = `whsec_${randomBytes(24).toString('base64')}`;

dialectTest('with a hook secret the receiver verifies the Standard Webhooks signature', async (t, database) => {
	const receiver = await startReceiver();
	try {
		const setup = await appWithHook(t, database, {targetUrl: receiver.url, secret});
		const [callback] = await createOwners(setup, ['Zoë']);
		const before = Math.floor(Date.now() / 1000);
		t.like(await setup.httpHooks.sendCallbacks(), {sent: 1});

		const [request] = receiver.requests;
		t.is(request!.headers['webhook-id'], callback!.webhookId);
		const timestamp = Number(request!.headers['webhook-timestamp']);
		t.true(timestamp >= before && timestamp <= Math.ceil(Date.now() / 1000), 'timestamp in Unix seconds, now');
		t.regex(String(request!.headers['webhook-signature']), /^v1,[A-Za-z\d+/]+=*$/);
		t.true(verifySignature(request!.headers, request!.body, secret));
		t.false(verifySignature(request!.headers, request!.body, `whsec_${randomBytes(24).toString('base64')}`), 'another secret does not verify');
		t.false(verifySignature(request!.headers, `${request!.body} `, secret), 'a changed body does not verify');
	} finally {
		await receiver.close();
	}
});

dialectTest('a retry keeps its webhook-id and is signed again', async (t, database) => {
	const receiver = await startReceiver((_request, index) => ({status: index === 0 ? 500 : 204}));
	try {
		const setup = await appWithHook(t, database, {targetUrl: receiver.url, secret});
		const [callback] = await createOwners(setup, ['Ann']);
		await setup.httpHooks.sendCallbacks();
		await makeDue(setup.httpHooks);
		t.like(await setup.httpHooks.sendCallbacks(), {sent: 1});
		t.is(receiver.requests.length, 2);
		for (const request of receiver.requests) {
			t.is(request.headers['webhook-id'], callback!.webhookId);
			t.true(verifySignature(request.headers, request.body, secret));
		}
	} finally {
		await receiver.close();
	}
});

dialectTest('a secret set on the hook after the callback was made is used when sending', async (t, database) => {
	const receiver = await startReceiver();
	try {
		const setup = await appWithHook(t, database, {targetUrl: receiver.url});
		await createOwners(setup, ['Ann']);
		await setup.httpHooks.updateHook(setup.hookId, {secret});
		t.like(await setup.httpHooks.sendCallbacks(), {sent: 1});
		t.true(verifySignature(receiver.requests[0]!.headers, receiver.requests[0]!.body, secret));
	} finally {
		await receiver.close();
	}
});

dialectTest('a GET is signed over an empty body', async (t, database) => {
	const receiver = await startReceiver();
	try {
		const setup = await appWithHook(t, database, {targetUrl: receiver.url, secret, httpMethod: 'GET'});
		await createOwners(setup, ['Ann']);
		t.like(await setup.httpHooks.sendCallbacks(), {sent: 1});
		t.is(receiver.requests[0]!.body, '');
		t.true(verifySignature(receiver.requests[0]!.headers, '', secret));
	} finally {
		await receiver.close();
	}
});

test('the signature matches the Standard Webhooks reference example', t => {
	// The example of the Standard Webhooks specification (and its reference libraries).
	const key = Buffer.from('MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', 'base64');
	const headers = signatureHeaders(key, 'msg_p5jXN8AQM9LWM0D4loKWxJek', '{"test": 2432232314}', new Date(1_614_265_330_000));
	t.deepEqual(headers, {'webhook-timestamp': '1614265330', 'webhook-signature': 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE='});
});
