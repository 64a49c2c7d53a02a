import {parseAllowedNetworks} from '../../source/delivery/network-guard.js';
import type {SendOptions, SendProgress, SendSummary} from '../../source/index.js';
import {exitCodes, UsageError, type Command, type Io} from '../command.js';
import {checkHookFlag, databaseFlag, DatabaseUnavailableError, openHttpHooks, unwritableDatabase} from '../database.js';
import {ranges} from '../../source/numbers.js';
import {integerFlag, optionalIntegerFlag, rangeText} from '../flag-values.js';
import {LogOutput, logFormatFlag} from '../log-output.js';
import {startMetrics} from '../metrics-endpoint.js';

/** The callback ids of `--callback 12 13`, `--callback 12 --callback 13` or `--callback 12,13`. */
export function callbackIds(flag: unknown, input: string[]): number[] | undefined {
	const given = (flag as string[] | undefined) ?? [];
	if (given.length === 0) {
		if (input.length > 0) {
			throw new UsageError(`Unexpected argument ${JSON.stringify(input[0])}: callback ids go after --callback`);
		}

		return undefined;
	}

	const ids = [...given, ...input].flatMap(item => item.split(',')).filter(item => item.trim() !== '');
	if (ids.length === 0) {
		// `--callback ''`: named, but no id; refused like any other bad id.
		return [integerFlag('--callback', given.join(' '), ranges.id)];
	}

	return ids.map(id => integerFlag('--callback', id.trim(), ranges.id));
}

/** A range of milliseconds as whole seconds, for the flags given in seconds. */
function seconds({min, max}: {min: number; max: number}): {min: number; max: number} {
	return {min: Math.max(1, Math.ceil(min / 1000)), max: Math.floor(max / 1000)};
}

function optionsFrom(input: string[], flags: Record<string, unknown>): SendOptions {
	const ids = callbackIds(flags['callback'], input);
	const options: SendOptions = {watch: Boolean(flags['watch']), delivery: {}};
	if (flags['hookId'] !== undefined) {
		if (ids) {
			throw new UsageError('Give either --hook-id or --callback, not both: --callback names the callbacks exactly');
		}

		options.hookId = integerFlag('--hook-id', flags['hookId'], ranges.id);
	}

	if (ids) {
		if (options.watch) {
			throw new UsageError('--callback sends the callbacks named once; it does not go with --watch');
		}

		options.callbackIds = ids;
	}

	options.concurrency = optionalIntegerFlag('--concurrency', flags['concurrency'], ranges.concurrency);
	options.limit = optionalIntegerFlag('--limit', flags['limit'], ranges.claimLimit);
	const lease = optionalIntegerFlag('--lease-seconds', flags['leaseSeconds'], seconds(ranges.leaseMs));
	if (lease !== undefined) {
		options.delivery!.leaseMs = lease * 1000;
	}

	if (flags['blockPrivateNetworks']) {
		options.delivery!.blockPrivateNetworks = true;
	}

	const allowed = ((flags['allowNetwork'] as string[] | undefined) ?? []).flatMap(item => item.split(',')).map(item => item.trim()).filter(item => item !== '');
	if (allowed.length > 0) {
		try {
			parseAllowedNetworks(allowed);
		} catch (error) {
			throw new UsageError(`--allow-network: ${(error as Error).message}`);
		}

		options.delivery!.allowedNetworks = allowed;
	}

	const timeout = optionalIntegerFlag('--timeout-seconds', flags['timeoutSeconds'], seconds(ranges.timeoutMs));
	if (timeout !== undefined) {
		options.delivery!.timeoutMs = timeout * 1000;
	}

	return options;
}

function rate(count: number, milliseconds: number): string {
	return milliseconds > 0 ? (count / (milliseconds / 1000)).toFixed(1) : '0.0';
}

/** `Sent 8 of 10 claimed callbacks, 1 retrying, 1 failed (error), in 1.2 s (8.3/s)` */
export function summaryLine(summary: SendSummary, stopped: boolean): string {
	const {claimed, sent, retrying, failed, durationMs} = summary;
	const finished = sent + retrying + failed;
	const head = claimed === 0 && summary.missing.length === 0 ? 'Nothing to send' : `Sent ${sent} of ${claimed} claimed callback${claimed === 1 ? '' : 's'}, ${retrying} retrying, ${failed} failed (error)`;
	return `${stopped ? 'Stopped. ' : ''}${head}, in ${(durationMs / 1000).toFixed(1)} s (${rate(finished, durationMs)}/s)`;
}

function progressLine(io: Io, watch: boolean): ((progress: SendProgress) => void) | undefined {
	if (!io.interactive) {
		return undefined;
	}

	// Retrying: the callbacks waiting for a retry now, not every failed attempt of a long run.
	return ({sent, retryingNow, failed, remaining, perSecond, inFlight}) => {
		const left = remaining === undefined ? '' : ` · ${remaining} remaining`;
		const state = watch && inFlight === 0 && !remaining ? ' · watching for new callbacks' : '';
		io.stdout.write(`\r\u001B[KSending: ${sent} sent · ${retryingNow} retrying · ${failed} failed${left} · ${perSecond.toFixed(0)}/s${state} · Ctrl-C stops`);
	};
}

// Any error of the database's (a lost connection comes as one too) ends the run with exit code 3.
async function isUnavailable(error: unknown): Promise<boolean> {
	const {original} = error as {original?: {code?: string}};
	// Loaded here, not with this module: `hooks send-callbacks --help` loads no database code.
	const {BaseError} = await import('sequelize');
	return error instanceof BaseError || original?.code === 'SQLITE_BUSY' || original?.code === 'SQLITE_CANTOPEN';
}

export const sendCallbacksCommand: Command = {
	name: 'send-callbacks',
	usage: 'send-callbacks [--hook-id N] [--callback ID…] [--watch] [--concurrency N] [--limit N] [--metrics-port N] [--log-format json] [--json]',
	help: [
		'Claims the callbacks that are due, sends them (several at once), records every attempt and',
		'schedules retries. Without --watch it sends what was due when it started, once each, and',
		'exits; with --watch it keeps running, woken by new callbacks, until Ctrl-C or SIGTERM.',
		'Any number of senders may run at once, on any machines: each callback goes to one of them.',
		'On stop, requests under way finish and callbacks not started yet are given back.',
		'',
		'--callback sends exactly the callbacks named, whatever their status (a resend), but a',
		'cancelled one: that is final and refused (exit 1); `hooks resend --status cancelled` brings it back.',
		'',
		'Per hook (set with createHook/updateHook or in hooks-tui): a rate limit (requests per second)',
		'and an in-flight cap hold for all senders together, on every machine; callbacks they hold',
		'back stay waiting, unclaimed and untouched, and a run without --watch waits for them. A hook\'s',
		'maxAttempts / retryDelays replace this sender\'s schedule for its callbacks. Slots are shared',
		'fairly: while several hooks have work, none takes more than its share of --concurrency, and a',
		'hook whose endpoint is slow or hangs (requests taking half the timeout, or 5 s) a tenth of it.',
		'--callback resends ignore the rate limit and the in-flight cap.',
		'',
		'--block-private-networks refuses targets that resolve to loopback, private, link-local,',
		'CGNAT, unique-local or cloud metadata addresses (the attempt fails: "blocked: …");',
		'--allow-network 10.20.0.0/16 keeps a subnet reachable.',
		'',
		'With --watch it outlives the database: through an outage of any length it keeps its results,',
		'tries again every 2 s at most, says so once on stderr, and resumes when the database is back.',
		'',
		'--metrics-port 9464 serves Prometheus metrics at /metrics and a health check at /healthz',
		'(200, or 503 while the database does not answer) for as long as the run lasts: attempts by',
		'hook and outcome, attempt durations, requests in flight, claims, the queue by status and the',
		'lag of the oldest due callback (read from the database every 5 s at most), hooks disabled.',
		'It listens on 127.0.0.1; --metrics-host 0.0.0.0 lets a Prometheus on another machine scrape.',
		'',
		'--log-format json writes warnings, failed attempts and callbacks that failed for good to',
		'stderr as one JSON object per line: time, level, message, and the ids it is about.',
		'',
		'Exit codes: 0 every callback sent or retried as scheduled, 1 some reached `error`, or an id',
		'does not exist or is cancelled, or --hook-id names no hook, 2 usage, 3 database unreachable',
		'(without --watch, also lost while sending).',
	].join('\n'),
	examples: [
		'hooks send-callbacks',
		'hooks send-callbacks --watch --concurrency 20',
		'hooks send-callbacks --hook-id 3 --limit 100',
		'hooks send-callbacks --callback 1041 1042',
		'hooks send-callbacks --json',
		'hooks send-callbacks --watch --block-private-networks --allow-network 10.20.0.0/16',
		'hooks send-callbacks --watch --metrics-port 9464 --log-format json',
	],
	flags: {
		...databaseFlag,
		hookId: {type: 'string', placeholder: 'N', description: 'Only callbacks of this hook (it must exist)'},
		callback: {type: 'string', isMultiple: true, placeholder: 'ID', description: 'Send exactly these callback ids, whatever their status but cancelled (repeatable, or space- or comma-separated)'},
		watch: {type: 'boolean', default: false, description: 'Keep running and send callbacks as they come, until stopped'},
		concurrency: {type: 'string', placeholder: 'N', description: `Requests in flight at once, ${rangeText(ranges.concurrency)} (default 10)`},
		limit: {type: 'string', placeholder: 'N', description: `Claim at most this many callbacks, ${rangeText(ranges.claimLimit)}`},
		leaseSeconds: {type: 'string', placeholder: 'SECONDS', description: `How long a claim holds if this sender dies, ${rangeText(seconds(ranges.leaseMs))} s (default 60)`},
		timeoutSeconds: {type: 'string', placeholder: 'SECONDS', description: `Timeout of one request, ${rangeText(seconds(ranges.timeoutMs))} s (default 15)`},
		blockPrivateNetworks: {type: 'boolean', default: false, description: 'Refuse to connect to loopback, private, link-local, CGNAT and cloud metadata addresses'},
		allowNetwork: {type: 'string', isMultiple: true, placeholder: 'CIDR', description: 'With --block-private-networks: a subnet (CIDR) that stays reachable (repeatable)'},
		metricsPort: {type: 'string', placeholder: 'PORT', description: `Serve Prometheus metrics (/metrics, /healthz) on this port, ${rangeText(ranges.port)} (0: any free port, printed)`},
		metricsHost: {type: 'string', placeholder: 'HOST', description: 'With --metrics-port: the address to listen on (default 127.0.0.1)'},
		logFormat: {type: 'string', placeholder: 'FORMAT', description: 'text (default) or json: one JSON object per line on stderr'},
		json: {type: 'boolean', default: false, description: 'Print the summary as JSON'},
	},
	takesArguments: true,
	async run(input, flags, io) {
		const options = optionsFrom(input, flags);
		const log = new LogOutput(io.stderr, logFormatFlag(flags['logFormat']));
		const metricsPort = optionalIntegerFlag('--metrics-port', flags['metricsPort'], ranges.port);
		if (flags['metricsHost'] !== undefined && metricsPort === undefined) {
			throw new UsageError('--metrics-host goes with --metrics-port');
		}

		const {httpHooks, sequelize} = await openHttpHooks(flags['databaseUrl'] as string | undefined, {logger: log.logger});
		const stopFollowing = log.followAttempts(httpHooks);
		let summary: SendSummary;
		let metrics: {close(): Promise<void>} | undefined;
		try {
			await checkHookFlag(httpHooks, options.hookId);
			metrics = metricsPort === undefined ? undefined : await startMetrics(httpHooks, {port: metricsPort, host: flags['metricsHost'] as string | undefined}, log, io.interactive);
			summary = await httpHooks.sendCallbacks({...options, signal: io.stopSignal, onProgress: progressLine(io, Boolean(options.watch))});
		} catch (error) {
			const unwritable = unwritableDatabase(error, flags['databaseUrl'] as string | undefined);
			if (unwritable) {
				throw unwritable;
			}

			if (await isUnavailable(error)) {
				throw new DatabaseUnavailableError(`Lost the database while sending: ${(error as Error).message}; callbacks this run held are sent again once their lease runs out`);
			}

			throw error;
		} finally {
			if (io.interactive) {
				io.stdout.write('\r\u001B[K');
			}

			stopFollowing();
			await metrics?.close();
			await httpHooks.close();
			await sequelize.close();
		}

		if (summary.missing.length > 0) {
			io.stderr.write(`No callback with id ${summary.missing.join(', ')}\n`);
		}

		if (summary.cancelled.length > 0) {
			const ids = summary.cancelled.join(' ');
			io.stderr.write(`Not sent: callback ${summary.cancelled.join(', ')} ${summary.cancelled.length === 1 ? 'is' : 'are'} cancelled (final); \`hooks resend --status cancelled --callback ${ids}\` puts ${summary.cancelled.length === 1 ? 'it' : 'them'} back in the queue\n`);
		}

		io.stdout.write(flags['json'] ? `${JSON.stringify(summary)}\n` : `${summaryLine(summary, io.stopSignal.aborted)}\n`);
		return summary.failed > 0 || summary.missing.length > 0 || summary.cancelled.length > 0 ? exitCodes.failure : exitCodes.ok;
	},
};
