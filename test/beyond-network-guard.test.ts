import test from 'ava';
import {startReceiver} from '../fixtures/receiver.js';
import {NetworkGuard, parseAllowedNetworks} from '../source/delivery/network-guard.js';
import {dialectTest} from './helpers/dialect-test.js';
import {appWithHook, attemptRows, callbackRows, createOwners} from './helpers/delivery.js';
import {runHooks} from './helpers/run-cli.js';

test('private, loopback, link-local, CGNAT, unique-local and metadata addresses are refused; public ones pass', t => {
	const guard = new NetworkGuard(parseAllowedNetworks([]));
	const expected: Array<[string, string | undefined]> = [
		['127.0.0.1', 'blocked: 127.0.0.1 is a loopback address'],
		['10.1.2.3', 'blocked: 10.1.2.3 is a private address'],
		['172.20.0.5', 'blocked: 172.20.0.5 is a private address'],
		['192.168.1.1', 'blocked: 192.168.1.1 is a private address'],
		['169.254.169.254', 'blocked: 169.254.169.254 is a cloud metadata address'],
		['169.254.10.1', 'blocked: 169.254.10.1 is a link-local address'],
		['100.100.1.1', 'blocked: 100.100.1.1 is a carrier-grade NAT (CGNAT) address'],
		['0.0.0.0', 'blocked: 0.0.0.0 is a "this network" address'],
		['::1', 'blocked: ::1 is a loopback address'],
		['fd12:3456::1', 'blocked: fd12:3456::1 is a unique-local address'],
		['fe80::1', 'blocked: fe80::1 is a link-local address'],
		['::ffff:127.0.0.1', 'blocked: ::ffff:127.0.0.1 is a loopback address'],
		['93.184.216.34', undefined],
		['172.32.0.1', undefined],
		['2606:4700::1111', undefined],
	];
	for (const [address, refusal] of expected) {
		t.is(guard.refusal(address), refusal, address);
	}

	const allowing = new NetworkGuard(parseAllowedNetworks(['10.0.0.0/8', 'fd00::/8', '192.168.1.7']));
	t.is(allowing.refusal('10.9.9.9'), undefined);
	t.is(allowing.refusal('fd12::1'), undefined);
	t.is(allowing.refusal('192.168.1.7'), undefined);
	t.regex(allowing.refusal('192.168.1.8') ?? '', /private/);
	for (const bad of ['10.0.0.0/33', 'example.com/8', '10.0.0.0/', '10.0.0.0/8/1', 'fd00::/129', '']) {
		t.throws(() => parseAllowedNetworks([bad]), {message: new RegExp(`Allowed network "${bad.replaceAll('.', '\\.')}" is not a subnet`)}, bad);
	}
});

test('IPv6 addresses that carry a private IPv4 address (NAT64, 6to4, Teredo, mapped, compatible) are refused like it', t => {
	const guard = new NetworkGuard(parseAllowedNetworks([]));
	const expected: Array<[string, string | undefined]> = [
		['64:ff9b::7f00:1', 'blocked: 64:ff9b::7f00:1 is a NAT64 address of 127.0.0.1, a loopback address'],
		['64:ff9b::10.1.2.3', 'blocked: 64:ff9b::10.1.2.3 is a NAT64 address of 10.1.2.3, a private address'],
		['64:ff9b::a9fe:a9fe', 'blocked: 64:ff9b::a9fe:a9fe is a NAT64 address of 169.254.169.254, a cloud metadata address'],
		['64:ff9b:1::a00:1', 'blocked: 64:ff9b:1::a00:1 is a local-use NAT64 address'],
		['64:ff9b:1:abcd::5db8:d822', 'blocked: 64:ff9b:1:abcd::5db8:d822 is a local-use NAT64 address'],
		['2002:c0a8:101::1', 'blocked: 2002:c0a8:101::1 is a 6to4 address of 192.168.1.1, a private address'],
		['2002:7f00:1:0:0:0:0:1', 'blocked: 2002:7f00:1:0:0:0:0:1 is a 6to4 address of 127.0.0.1, a loopback address'],
		['2001:0:4136:e378:8000:63bf:80ff:fffe', 'blocked: 2001:0:4136:e378:8000:63bf:80ff:fffe is a Teredo address of 127.0.0.1, a loopback address'],
		['2001::3f57:fefe', 'blocked: 2001::3f57:fefe is a Teredo address of 192.168.1.1, a private address'],
		['::127.0.0.1', 'blocked: ::127.0.0.1 is an IPv4-compatible address of 127.0.0.1, a loopback address'],
		['::a00:1', 'blocked: ::a00:1 is an IPv4-compatible address of 10.0.0.1, a private address'],
		['::ffff:10.0.0.1', 'blocked: ::ffff:10.0.0.1 is a private address'],
		['::ffff:a9fe:a9fe', 'blocked: ::ffff:a9fe:a9fe is a cloud metadata address'],
		['64:ff9b::7f00:1%eth0', 'blocked: 64:ff9b::7f00:1%eth0 is a NAT64 address of 127.0.0.1, a loopback address'],
		// The same kinds carrying a public address pass.
		['64:ff9b::5db8:d822', undefined],
		['2002:5db8:d822::1', undefined],
		['2001:0:4136:e378:8000:63bf:a247:27dd', undefined],
		['::ffff:93.184.216.34', undefined],
	];
	for (const [address, refusal] of expected) {
		t.is(guard.refusal(address), refusal, address);
	}

	const allowing = new NetworkGuard(parseAllowedNetworks(['10.0.0.0/8']));
	t.is(allowing.refusal('64:ff9b::a00:1'), undefined, 'an allowed IPv4 subnet allows its NAT64 form');
	t.regex(allowing.refusal('64:ff9b::7f00:1') ?? '', /loopback/);
});

dialectTest('with blockPrivateNetworks a NAT64 literal of 127.0.0.1 is refused without a connection', async (t, database) => {
	const receiver = await startReceiver(() => ({status: 204}));
	try {
		const port = new URL(receiver.url).port;
		const setup = await appWithHook(t, database, {targetUrl: `http://[64:ff9b::7f00:1]:${port}/hook`}, {delivery: {blockPrivateNetworks: true}});
		await createOwners(setup, ['Ann']);
		t.like(await setup.httpHooks.sendCallbacks(), {sent: 0});
		const [callback] = await callbackRows(setup.httpHooks);
		const [attempt] = await attemptRows(setup.httpHooks, callback!.id);
		t.is(attempt!.error, 'blocked: 64:ff9b::7f00:1 is a NAT64 address of 127.0.0.1, a loopback address');
		t.is(receiver.requests.length, 0);
	} finally {
		await receiver.close();
	}
});

dialectTest('with blockPrivateNetworks a name resolving to 127.0.0.1 is refused at connect time; an allowed subnet passes', async (t, database) => {
	const receiver = await startReceiver(() => ({status: 204}));
	try {
		const port = new URL(receiver.url).port;
		const setup = await appWithHook(t, database, {targetUrl: `http://localhost:${port}/hook`}, {delivery: {blockPrivateNetworks: true}});
		await createOwners(setup, ['Ann']);
		t.like(await setup.httpHooks.sendCallbacks(), {sent: 0, retrying: 1});
		t.is(receiver.requests.length, 0, 'no connection was made');
		const [callback] = await callbackRows(setup.httpHooks);
		const [attempt] = await attemptRows(setup.httpHooks, callback!.id);
		t.regex(attempt!.error ?? '', /blocked: (127\.0\.0\.1|::1) is a loopback address/);

		// A literal IP address is refused too (it is never looked up).
		await setup.httpHooks.updateHook(setup.hookId, {targetUrl: `http://127.0.0.1:${port}/hook`});
		await setup.app.Owner.create({name: 'Bob'});
		await setup.httpHooks.sendCallbacks({hookId: setup.hookId});
		const rows = await callbackRows(setup.httpHooks);
		const [literal] = await attemptRows(setup.httpHooks, rows[1]!.id);
		t.regex(literal!.error ?? '', /blocked: 127\.0\.0\.1 is a loopback address/);
		t.is(receiver.requests.length, 0);

		// The same callbacks with 127.0.0.0/8 and ::1 allowed, from the CLI.
		await setup.httpHooks.models.Callback.update({nextAttemptAt: new Date(Date.now() - 1000)}, {where: {status: 'waiting'}});
		const refused = await runHooks(['send-callbacks', '--block-private-networks', '--json', '--database-url', database.url]);
		t.like(JSON.parse(refused.stdout), {sent: 0});
		await setup.httpHooks.models.Callback.update({nextAttemptAt: new Date(Date.now() - 1000)}, {where: {status: 'waiting'}});
		const allowed = await runHooks(['send-callbacks', '--block-private-networks', '--allow-network', '127.0.0.0/8', '--allow-network', '::1/128', '--json', '--database-url', database.url]);
		t.is(allowed.code, 0, allowed.stderr);
		t.like(JSON.parse(allowed.stdout), {sent: 2});
		t.is(receiver.requests.length, 2);

		const bad = await runHooks(['send-callbacks', '--allow-network', '10.0.0.0/99', '--database-url', database.url]);
		t.not(bad.code, 0);
		t.regex(bad.stderr, /--allow-network: Allowed network "10\.0\.0\.0\/99" is not a subnet/);
	} finally {
		await receiver.close();
	}
});

dialectTest('without blockPrivateNetworks local targets are reached (the default)', async (t, database) => {
	const receiver = await startReceiver(() => ({status: 204}));
	try {
		const setup = await appWithHook(t, database, {targetUrl: `http://localhost:${new URL(receiver.url).port}/`});
		await createOwners(setup, ['Ann']);
		t.like(await setup.httpHooks.sendCallbacks(), {sent: 1});
	} finally {
		await receiver.close();
	}
});
