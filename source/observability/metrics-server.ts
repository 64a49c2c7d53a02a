import http from 'node:http';
import type {AddressInfo} from 'node:net';
import type {Registry} from 'prom-client';
import {checkInteger, ranges} from '../numbers.js';
import {HttpHooksError, quote} from '../errors.js';

export type MetricsServerOptions = {
	/** 0 picks a free port (see `port` of the result). */
	port: number;
	/** The address to listen on; default 127.0.0.1 (give 0.0.0.0 or :: for a Prometheus on another machine). */
	host?: string;
};

export type MetricsServer = {port: number; host: string; close(): Promise<void>};

type Source = {registry: Registry; databaseUp(): boolean | undefined};

/**
 * A small HTTP server for Prometheus: `GET /metrics` (the registry in the text format) and
 * `GET /healthz` (200 `ok`, or 503 while the database does not answer the metrics' reads).
 * Anything else is 404; only GET and HEAD.
 */
export async function serveMetrics(source: Source, {port, host = '127.0.0.1'}: MetricsServerOptions): Promise<MetricsServer> {
	checkInteger('port', port, ranges.port);
	if (typeof host !== 'string' || host === '' || host.length > 255) {
		throw new HttpHooksError(`host ${quote(host)} must be an address or host name to listen on`);
	}

	const server = http.createServer((request, response) => {
		void answer(source, request, response);
	});
	server.keepAliveTimeout = 65_000;
	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(port, host, () => {
			server.off('error', reject);
			resolve();
		});
	});
	const address = server.address() as AddressInfo;
	return {
		port: address.port,
		host: address.address,
		async close() {
			server.closeAllConnections();
			await new Promise(resolve => server.close(resolve));
		},
	};
}

async function answer(source: Source, request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
	const path = (request.url ?? '').split('?')[0];
	if (request.method !== 'GET' && request.method !== 'HEAD') {
		response.writeHead(405, {Allow: 'GET, HEAD', 'Content-Type': 'text/plain'}).end('method not allowed\n');
		return;
	}

	try {
		if (path === '/metrics') {
			const text = await source.registry.metrics();
			response.writeHead(200, {'Content-Type': source.registry.contentType}).end(request.method === 'HEAD' ? undefined : text);
		} else if (path === '/healthz') {
			const down = source.databaseUp() === false;
			response.writeHead(down ? 503 : 200, {'Content-Type': 'text/plain'}).end(down ? 'database unavailable\n' : 'ok\n');
		} else {
			response.writeHead(404, {'Content-Type': 'text/plain'}).end('not found: try /metrics or /healthz\n');
		}
	} catch (error) {
		response.writeHead(500, {'Content-Type': 'text/plain'}).end(`metrics failed: ${(error as Error).message}\n`);
	}
}
