import {exitCodes, type Command} from '../command.js';
import {openHttpHooks} from '../database.js';
import {describeSelection, progressLine, selectionFlags, selectorFrom} from '../selection-flags.js';
import {stoppedExitCode} from './delete-old-callbacks.js';

export const cancelCommand: Command = {
	name: 'cancel',
	usage: 'cancel [--hook-id N] [--status S…] [--since T] [--until T] [--callback ID…] [--all] [--dry-run] [--json]',
	help: [
		'Moves the selected callbacks to the final status cancelled: no sender claims them, an',
		'explicit send-callbacks --callback refuses them, and delete-old-callbacks deletes them by age.',
		'Only `resend --status cancelled` brings one back.',
		'',
		'Which callbacks: every selector given must match.',
		'  --status     waiting or sending (default: both); sent, error and cancelled are final already.',
		'  --since/--until  the creation time: a duration back from now (90m, 2h, 3d, 1w) or an ISO',
		'               time (2026-03-01T02:00:00Z; without a zone, local time). --until defaults to now.',
		'  --hook-id, --callback  one hook (it must exist), or exactly these ids.',
		'With no selector at all the command refuses (too broad); --all allows it.',
		'',
		'A callback a sender holds when it is cancelled: if its request has not started, the sender',
		'drops it; if it has, that attempt ends as it would and is recorded, and the status stays',
		'cancelled. The command returns only once no sender holds any callback it cancelled: nothing',
		'it cancelled is sent after it returns. Works in batches, safe while senders run; a terminal',
		'shows progress; Ctrl-C stops (after the current batch, or stops the wait) and says so.',
		'',
		'Exit codes: 0 done, 1 no such hook, 2 usage (a bad status, time, id, or no selector),',
		'3 database unavailable, 130 stopped by Ctrl-C.',
	].join('\n'),
	examples: [
		'hooks cancel --hook-id 3',
		'hooks cancel --hook-id 3 --since 2h --dry-run',
		'hooks cancel --callback 1041 1042',
		'hooks cancel --status waiting --until 2026-03-01 --json',
	],
	flags: selectionFlags('cancel', 'waiting, sending (default: both)'),
	takesArguments: true,
	async run(input, flags, io) {
		const {cancelRules} = await import('../../source/operations/cancel-callbacks.js');
		const {dryRun, batchSize, ...selector} = await selectorFrom(input, flags, cancelRules);
		const {httpHooks, sequelize} = await openHttpHooks(flags['databaseUrl'] as string | undefined);
		const onProgress = dryRun ? undefined : progressLine(io, 'Cancelling');
		let result;
		try {
			result = await httpHooks.cancelCallbacks({...selector, dryRun, batchSize, onProgress, signal: io.stopSignal});
		} finally {
			if (onProgress) {
				io.stdout.write('\r\u001B[K');
			}

			await sequelize.close();
		}

		const {cancelled, matched, stopped, since, until, wereSending, stillSending} = result;
		if (flags['json']) {
			io.stdout.write(`${JSON.stringify({cancelled, matched, statuses: result.statuses, since: since?.toISOString() ?? null, until: until.toISOString(), dryRun, wereSending, stillSending, stopped})}\n`);
		} else {
			const what = `${cancelled} ${cancelled === 1 ? 'callback' : 'callbacks'} ${describeSelection(result, selector)}`;
			io.stdout.write(dryRun ? `Would cancel ${what} (dry run: nothing changed)\n` : `${stopped ? 'Stopped: cancelled' : 'Cancelled'} ${what}\n`);
			if (wereSending > 0) {
				io.stdout.write(stillSending > 0
					? `${stillSending} of them are still held by a sender: an attempt under way may yet arrive\n`
					: `${wereSending} were held by a sender: attempts under way ended (and are recorded) before this returned\n`);
			}

			if (!dryRun && !stopped && cancelled < matched) {
				io.stdout.write(`${matched - cancelled} of the ${matched} matched reached another status meanwhile (sent or error) and were left as they are\n`);
			}
		}

		return stopped ? stoppedExitCode : exitCodes.ok;
	},
};
