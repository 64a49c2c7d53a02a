import {randomBytes} from 'node:crypto';
import {startReceiver} from '../fixtures/receiver.js';
import {dialectTest} from './helpers/dialect-test.js';
import {appWithHook, createOwners, makeDue, verifySignature} from './helpers/delivery.js';

function newSecret(): string {
	return `whsec_${randomBytes(24).toString('base64')}`;
}

dialectTest('rotating a secret signs with both secrets until the window closes, then with the new one only', async (t, database) => {
	const receiver = await startReceiver();
	try {
		const oldSecret = newSecret();
		const rotated = newSecret();
		const setup = await appWithHook(t, database, {targetUrl: receiver.url, secret: oldSecret});
		const hook = await setup.httpHooks.rotateSecret(setup.hookId, rotated, {keepPreviousForMs: 60_000});
		t.is(hook.secret, rotated);
		t.is(hook.previousSecret, oldSecret);
		t.true(hook.previousSecretExpiresAt!.getTime() > Date.now());

		await createOwners(setup, ['Ann']);
		t.like(await setup.httpHooks.sendCallbacks(), {sent: 1});
		const during = receiver.requests[0]!;
		const signatures = String(during.headers['webhook-signature']).split(' ');
		t.is(signatures.length, 2, 'two signatures, space-separated');
		t.true(signatures.every(signature => /^v1,[A-Za-z\d+/]+=*$/.test(signature)));
		t.true(verifySignature(during.headers, during.body, rotated), 'the new secret verifies');
		t.true(verifySignature(during.headers, during.body, oldSecret), 'the previous secret verifies');
		t.false(verifySignature(during.headers, during.body, newSecret()));

		// The window closes: only the new secret signs.
		await setup.httpHooks.updateHook(setup.hookId, {previousSecretExpiresAt: new Date(Date.now() - 1000)});
		await setup.app.Owner.create({name: 'Bob'});
		await makeDue(setup.httpHooks);
		t.like(await setup.httpHooks.sendCallbacks(), {sent: 1});
		const after = receiver.requests[1]!;
		t.is(String(after.headers['webhook-signature']).split(' ').length, 1);
		t.true(verifySignature(after.headers, after.body, rotated));
		t.false(verifySignature(after.headers, after.body, oldSecret), 'the expired secret no longer verifies');
	} finally {
		await receiver.close();
	}
});

dialectTest('rotation options and fields are validated, naming the bad value', async (t, database) => {
	const setup = await appWithHook(t, database, {targetUrl: 'http://127.0.0.1:9/', secret: newSecret()});
	const {httpHooks, hookId} = setup;
	await t.throwsAsync(httpHooks.rotateSecret(hookId, 'nope'), {message: /Secret must be "whsec_"/});
	await t.throwsAsync(httpHooks.rotateSecret(hookId, newSecret(), {keepPreviousForMs: -5}), {message: /keepPreviousForMs must be a whole number from 0 to \d+, got "-5"/});
	await t.throwsAsync(httpHooks.updateHook(hookId, {previousSecret: newSecret()}), {message: /needs previousSecretExpiresAt/});
	await t.throwsAsync(httpHooks.updateHook(hookId, {previousSecret: 'whsec_abc', previousSecretExpiresAt: new Date()}), {message: /Previous secret must be/});
	await t.throwsAsync(httpHooks.updateHook(hookId, {previousSecret: newSecret(), previousSecretExpiresAt: 'soon'}), {message: /"soon" is not a valid date/});
	await t.throwsAsync(httpHooks.updateHook(hookId, {previousSecretExpiresAt: new Date()}), {message: /needs a previousSecret/});
	await t.throwsAsync(httpHooks.updateHook(hookId, {secret: null, previousSecret: newSecret(), previousSecretExpiresAt: new Date()}), {message: /needs a current secret/});

	// Without a current secret, or with keepPreviousForMs 0, nothing is kept.
	const dropped = await httpHooks.rotateSecret(hookId, newSecret(), {keepPreviousForMs: 0});
	t.is(dropped.previousSecret, null);
	t.is(dropped.previousSecretExpiresAt, null);
	const kept = await httpHooks.rotateSecret(hookId, newSecret());
	t.is(kept.previousSecret, dropped.secret);
	const day = 24 * 60 * 60 * 1000;
	t.true(Math.abs(kept.previousSecretExpiresAt!.getTime() - (Date.now() + day)) < 60_000, 'kept for a day by default');
});
