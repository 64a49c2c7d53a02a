import dns, {type LookupAddress, type LookupOptions} from 'node:dns';
import {BlockList, isIP} from 'node:net';
import {HttpHooksError, quote} from '../errors.js';

type Range = [address: string, prefix: number, reason: string];

// Checked in this order: the first range holding an address names it.
const blockedV4: Range[] = [
	['169.254.169.254', 32, 'a cloud metadata address'],
	['0.0.0.0', 8, 'a "this network" address'],
	['127.0.0.0', 8, 'a loopback address'],
	['10.0.0.0', 8, 'a private address'],
	['172.16.0.0', 12, 'a private address'],
	['192.168.0.0', 16, 'a private address'],
	['169.254.0.0', 16, 'a link-local address'],
	['100.64.0.0', 10, 'a carrier-grade NAT (CGNAT) address'],
	['192.0.0.0', 24, 'an IETF protocol address'],
	['198.18.0.0', 15, 'a benchmarking address'],
	['224.0.0.0', 4, 'a multicast address'],
	['240.0.0.0', 4, 'a reserved address'],
];
const blockedV6: Range[] = [
	['fd00:ec2::254', 128, 'a cloud metadata address'],
	['::', 128, 'an unspecified address'],
	['::1', 128, 'a loopback address'],
	['fc00::', 7, 'a unique-local address'],
	['fe80::', 10, 'a link-local address'],
	['ff00::', 8, 'a multicast address'],
	// RFC 8215 local-use NAT64: where in it an IPv4 address sits is up to the network, so all of it.
	['64:ff9b:1::', 48, 'a local-use NAT64 address'],
];

const ranges = [
	...blockedV4.map(([address, prefix, reason]) => ({list: subnet(address, prefix, 'ipv4'), reason})),
	...blockedV6.map(([address, prefix, reason]) => ({list: subnet(address, prefix, 'ipv6'), reason})),
];

/** The 16 bytes of an IPv6 address (a zone such as `%eth0` ignored); undefined when it is not one. */
export function ipv6Bytes(text: string): Uint8Array | undefined {
	const address = text.replace(/%.*$/, '');
	if (isIP(address) !== 6) {
		return undefined;
	}

	const groups: number[] = [];
	const [head = '', tail] = address.split('::');
	const parse = (part: string): number[] => part === '' ? [] : part.split(':').flatMap(group => {
		if (group.includes('.')) {
			const [a, b, c, d] = group.split('.').map(Number) as [number, number, number, number];
			return [(a << 8) | b, (c << 8) | d];
		}

		return [Number.parseInt(group, 16)];
	});
	const left = parse(head);
	const right = tail === undefined ? [] : parse(tail);
	groups.push(...left, ...Array.from({length: 8 - left.length - right.length}, () => 0), ...right);
	const bytes = new Uint8Array(16);
	for (const [index, group] of groups.entries()) {
		bytes[index * 2] = group >> 8;
		bytes[(index * 2) + 1] = group & 0xFF;
	}

	return bytes;
}

const prefixes: Array<{bytes: number[]; name: string; ipv4: (bytes: Uint8Array) => number[]}> = [
	// NAT64 well-known prefix (RFC 6052): the IPv4 address is the last 32 bits.
	{bytes: [0x00, 0x64, 0xFF, 0x9B, 0, 0, 0, 0, 0, 0, 0, 0], name: 'a NAT64 address', ipv4: bytes => [...bytes.subarray(12)]},
	// IPv4-compatible (deprecated, RFC 4291), `::a.b.c.d`.
	{bytes: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], name: 'an IPv4-compatible address', ipv4: bytes => [...bytes.subarray(12)]},
	// IPv4-mapped, `::ffff:a.b.c.d`.
	{bytes: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF], name: 'an IPv4-mapped address', ipv4: bytes => [...bytes.subarray(12)]},
	// 6to4 (RFC 3056), `2002:AABB:CCDD::/48`: the IPv4 address follows the prefix.
	{bytes: [0x20, 0x02], name: 'a 6to4 address', ipv4: bytes => [...bytes.subarray(2, 6)]},
	// Teredo (RFC 4380), `2001:0::/32`: the client's IPv4 address is the last 32 bits, inverted.
	{bytes: [0x20, 0x01, 0, 0], name: 'a Teredo address', ipv4: bytes => [...bytes.subarray(12)].map(byte => byte ^ 0xFF)},
];

/** The IPv4 address an IPv6 address carries (NAT64, 6to4, Teredo, mapped, compatible), and what kind it is. */
export function embeddedIPv4(address: string): {ipv4: string; kind: string} | undefined {
	const bytes = ipv6Bytes(address);
	if (!bytes) {
		return undefined;
	}

	const found = prefixes.find(prefix => prefix.bytes.every((byte, index) => bytes[index] === byte));
	return found && {ipv4: found.ipv4(bytes).join('.'), kind: found.name};
}

function subnet(address: string, prefix: number, family: 'ipv4' | 'ipv6'): BlockList {
	const list = new BlockList();
	list.addSubnet(address, prefix, family);
	return list;
}

/** Parse allow-listed subnets (`10.1.0.0/16`, `fd00::/8`, or one address); a bad one is an error naming it. */
export function parseAllowedNetworks(networks: readonly string[]): BlockList {
	const allowed = new BlockList();
	for (const network of networks) {
		const [address = '', prefixText, ...rest] = String(network).trim().split('/');
		const family = isIP(address);
		const prefix = prefixText === undefined ? (family === 6 ? 128 : 32) : Number(prefixText);
		if (family === 0 || rest.length > 0 || !Number.isInteger(prefix) || prefix < 0 || prefix > (family === 6 ? 128 : 32) || prefixText === '') {
			throw new HttpHooksError(`Allowed network ${quote(network)} is not a subnet in CIDR notation, such as "10.0.0.0/8" or "fd00::/8"`);
		}

		allowed.addSubnet(address, prefix, family === 6 ? 'ipv6' : 'ipv4');
	}

	return allowed;
}

/**
 * Refuses connections to loopback, private, link-local, CGNAT, unique-local and cloud metadata
 * addresses, unless an allowed subnet holds them. It judges the address a name resolved to, at
 * connect time (the agent's `lookup`), so a public name pointing inside is refused as well.
 */
export class NetworkGuard {
	constructor(private readonly allowed: BlockList) {}

	/**
	 * Why connecting to this IP address is refused, or undefined when it is not. An IPv6 address
	 * that carries an IPv4 address (NAT64, 6to4, Teredo, mapped, compatible) reaches that address,
	 * and is judged as it is.
	 */
	refusal(address: string): string | undefined {
		const family = isIP(address) === 6 ? 'ipv6' : 'ipv4';
		if (this.allowed.check(address, family)) {
			return undefined;
		}

		const range = ranges.find(({list}) => list.check(address, family));
		if (range) {
			return `blocked: ${address} is ${range.reason}`;
		}

		const embedded = family === 'ipv6' ? embeddedIPv4(address) : undefined;
		if (embedded && !this.allowed.check(embedded.ipv4, 'ipv4')) {
			const inner = ranges.find(({list}) => list.check(embedded.ipv4, 'ipv4'));
			return inner && `blocked: ${address} is ${embedded.kind} of ${embedded.ipv4}, ${inner.reason}`;
		}

		return undefined;
	}

	/** A `lookup` for http.Agent: resolves as usual, then refuses blocked addresses. */
	readonly lookup = (hostname: string, options: LookupOptions, callback: (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void): void => {
		dns.lookup(hostname, {...options, all: true}, (error, addresses) => {
			if (error) {
				callback(error, []);
				return;
			}

			const open = addresses.filter(({address}) => this.refusal(address) === undefined);
			if (open.length === 0) {
				const first = addresses[0];
				callback(blockedError(first ? this.refusal(first.address)! : `blocked: ${hostname} resolves to no address`), []);
				return;
			}

			if (options.all) {
				callback(null, open);
			} else {
				callback(null, open[0]!.address, open[0]!.family);
			}
		});
	};
}

function blockedError(message: string): NodeJS.ErrnoException {
	return new Error(message);
}
