import type {HttpHooks, MetricsServer} from '../source/index.js';
import {UsageError} from './command.js';
import type {LogOutput} from './log-output.js';

/**
 * Serve the sender's metrics for `--metrics-port`, with the process's own (CPU, memory, event
 * loop). Its address is said on stderr in JSON logs, on a terminal, or when the port was 0 (so
 * that whoever started it can find it).
 */
export async function startMetrics(httpHooks: HttpHooks, {port, host}: {port: number; host?: string}, log: LogOutput, interactive: boolean): Promise<MetricsServer> {
	let server: MetricsServer;
	try {
		server = await httpHooks.serveMetrics({port, host, defaultMetrics: true});
	} catch (error) {
		const {code, message} = error as {code?: string; message: string};
		throw new UsageError(`--metrics-port ${port}${host ? ` --metrics-host ${host}` : ''}: cannot listen (${code ?? message})`);
	}

	const shown = server.host.includes(':') ? `[${server.host}]` : server.host;
	if (log.format === 'json' || interactive || port === 0) {
		log.line('info', `serving metrics on http://${shown}:${server.port}/metrics`, {metricsPort: server.port});
	}

	return server;
}
