import net from 'node:net';

export type ProxyMode = 'pass' | 'refuse' | 'hang';

export type TcpProxy = {
	/** The port on 127.0.0.1 that forwards to the target. */
	readonly port: number;
	/** Rewrite a database URL so that it goes through the proxy. */
	url(target: string): string;
	/**
	 * `pass` forwards; `refuse` closes new connections at once (a server that is down);
	 * `hang` accepts them and never forwards a byte (a network that drops packets).
	 */
	setMode(mode: ProxyMode): void;
	/** Destroy every open connection (both sides), as a restarted server or a cut cable would. */
	cut(): void;
	/** Delay every chunk by this many milliseconds in both directions (0: none). */
	setDelay(ms: number): void;
	/** Connections accepted so far. */
	readonly accepted: number;
	close(): Promise<void>;
};

/**
 * A small TCP proxy between the library and a database server, so that tests can take the
 * database away (refuse, cut, hang, delay) without touching the shared server.
 */
export async function startTcpProxy(targetHost: string, targetPort: number): Promise<TcpProxy> {
	let mode: ProxyMode = 'pass';
	let delay = 0;
	let accepted = 0;
	const sockets = new Set<net.Socket>();

	const relay = (from: net.Socket, to: net.Socket) => {
		from.on('data', chunk => {
			if (delay > 0) {
				// Unref'd: a chunk held for long must not keep the test process alive.
				setTimeout(() => to.destroyed || to.write(chunk), delay).unref();
			} else if (!to.destroyed) {
				to.write(chunk);
			}
		});
		from.on('close', () => to.destroy());
		from.on('error', () => to.destroy());
	};

	const server = net.createServer(client => {
		accepted++;
		sockets.add(client);
		client.on('close', () => sockets.delete(client));
		client.on('error', () => undefined);
		if (mode === 'refuse') {
			client.destroy();
			return;
		}

		if (mode === 'hang') {
			client.pause();
			return;
		}

		const upstream = net.connect(targetPort, targetHost);
		sockets.add(upstream);
		upstream.on('close', () => sockets.delete(upstream));
		relay(client, upstream);
		relay(upstream, client);
	});

	await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
	const {port} = server.address() as net.AddressInfo;

	const cut = () => {
		for (const socket of sockets) {
			socket.destroy();
		}
	};

	return {
		port,
		get accepted() {
			return accepted;
		},
		url(target) {
			const parsed = new URL(target);
			parsed.hostname = '127.0.0.1';
			parsed.port = String(port);
			return parsed.toString();
		},
		setMode(next) {
			mode = next;
		},
		cut,
		setDelay(ms) {
			delay = ms;
		},
		async close() {
			cut();
			await new Promise<void>(resolve => server.close(() => resolve()));
		},
	};
}
