import type {AttemptEvent, FailedEvent, HttpHooks, Logger} from '../source/index.js';
import {UsageError} from './command.js';
import {safeJson, safeText} from './safe-text.js';

export type LogFormat = 'text' | 'json';

export const logFormats: readonly LogFormat[] = ['text', 'json'];

export function logFormatFlag(value: unknown): LogFormat {
	if (value === undefined) {
		return 'text';
	}

	if (!logFormats.includes(value as LogFormat)) {
		throw new UsageError(`--log-format must be text or json, got ${JSON.stringify(value)}`);
	}

	return value as LogFormat;
}

type Level = 'info' | 'warn' | 'error';

/**
 * Where a program's log lines go (stderr): as text, escaped for the terminal; or as JSON, one
 * object per line with `time`, `level`, `message` and the ids it is about, for log shippers.
 */
export class LogOutput {
	constructor(private readonly stream: NodeJS.WritableStream, readonly format: LogFormat) {}

	/** The library's logger: its warnings, written in this format. */
	readonly logger: Logger = {
		warn: (line, details) => {
			if (this.format === 'json') {
				this.line('warn', details?.message ?? line, details ? {error: details.error, hookId: details.hookId, callbackIds: details.callbackIds} : {});
			} else {
				this.stream.write(`${safeText(line)}\n`);
			}
		},
	};

	line(level: Level, message: string, fields: Record<string, unknown> = {}): void {
		if (this.format === 'json') {
			const defined = Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined));
			this.stream.write(`${safeJson({time: new Date().toISOString(), level, message, ...defined})}\n`);
		} else {
			this.stream.write(`${safeText(message)}\n`);
		}
	}

	/**
	 * In JSON, also a line per failed attempt (warn) and per callback that failed for good
	 * (error), with its ids, status code and duration. Successes are counted, not logged.
	 */
	followAttempts(httpHooks: HttpHooks): () => void {
		if (this.format !== 'json') {
			return () => undefined;
		}

		const fields = (event: AttemptEvent) => ({
			callbackId: event.callbackId, hookId: event.hookId, attempt: event.attempt,
			statusCode: event.statusCode, durationMs: event.durationMs, error: event.error ?? undefined,
		});
		const what = (event: AttemptEvent) => event.statusCode === null ? event.error ?? 'no response' : `HTTP ${event.statusCode}`;
		const stops = [
			httpHooks.on('failed', (event: FailedEvent) => {
				this.line('warn', `attempt ${event.attempt} of callback ${event.callbackId} failed (${what(event)}); next attempt at ${event.nextAttemptAt.toISOString()}`, {...fields(event), nextAttemptAt: event.nextAttemptAt.toISOString()});
			}),
			httpHooks.on('exhausted', event => {
				this.line('error', `callback ${event.callbackId} failed for good at attempt ${event.attempt} (${what(event)})`, fields(event));
			}),
		];
		return () => {
			for (const stop of stops) {
				stop();
			}
		};
	}
}
