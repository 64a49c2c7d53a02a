import {exitCodes, type Command} from '../command.js';
import {openHttpHooks} from '../database.js';
import {describeSelection, progressLine, selectionFlags, selectorFrom} from '../selection-flags.js';
import {stoppedExitCode} from './delete-old-callbacks.js';

export const resendCommand: Command = {
	name: 'resend',
	usage: 'resend [--hook-id N] [--status S…] [--since T] [--until T] [--callback ID…] [--all] [--dry-run] [--json]',
	help: [
		'Puts the selected callbacks back in the queue: status waiting, due now, with a full round of',
		'attempts again (the attempts count starts from 0; the rows of earlier attempts stay). A',
		'running sender (send-callbacks --watch) delivers them; else run send-callbacks.',
		'',
		'Which callbacks: every selector given must match.',
		'  --status     error (the default), sent, waiting (send now instead of at the retry time),',
		'               or cancelled (only when named: a cancelled callback comes back only so).',
		'               sending is refused: a callback being sent would go out twice.',
		'  --since/--until  the creation time: a duration back from now (90m, 2h, 3d, 1w) or an ISO',
		'               time (2026-03-01T02:00:00Z; without a zone, local time). --until defaults to now.',
		'  --hook-id, --callback  one hook (it must exist), or exactly these ids.',
		'With no selector at all the command refuses (too broad); --all allows it.',
		'',
		'Safe while senders run: it works in batches, each its own short transaction, and changes',
		'a callback only if its status still matches at that moment. A terminal shows progress;',
		'Ctrl-C stops after the current batch and reports what was resent so far.',
		'',
		'Exit codes: 0 done, 1 no such hook, 2 usage (a bad status, time, id, or no selector),',
		'3 database unavailable, 130 stopped by Ctrl-C.',
	].join('\n'),
	examples: [
		'hooks resend --hook-id 3 --since 2h',
		'hooks resend --status error --since 2026-03-01T02:00:00Z --until 2026-03-01T06:00:00Z --dry-run',
		'hooks resend --status cancelled --callback 1041 1042',
		'hooks resend --status waiting --hook-id 3 --json',
	],
	flags: selectionFlags('resend', 'error (default), sent, waiting, cancelled'),
	takesArguments: true,
	async run(input, flags, io) {
		const {resendRules} = await import('../../source/operations/resend-callbacks.js');
		const {dryRun, batchSize, ...selector} = await selectorFrom(input, flags, resendRules);
		const {httpHooks, sequelize} = await openHttpHooks(flags['databaseUrl'] as string | undefined);
		const onProgress = dryRun ? undefined : progressLine(io, 'Resending');
		let result;
		try {
			result = await httpHooks.resendCallbacks({...selector, dryRun, batchSize, onProgress, signal: io.stopSignal});
		} finally {
			if (onProgress) {
				io.stdout.write('\r\u001B[K');
			}

			await sequelize.close();
		}

		const {resent, matched, stopped, since, until} = result;
		if (flags['json']) {
			io.stdout.write(`${JSON.stringify({resent, matched, statuses: result.statuses, since: since?.toISOString() ?? null, until: until.toISOString(), dryRun, stopped})}\n`);
		} else {
			const what = `${resent} ${resent === 1 ? 'callback' : 'callbacks'} ${describeSelection(result, selector)}`;
			io.stdout.write(dryRun
				? `Would resend ${what} (dry run: nothing changed)\n`
				: `${stopped ? 'Stopped: resent' : 'Resent'} ${what}: back in the queue, due now\n`);
			if (!dryRun && !stopped && resent < matched) {
				io.stdout.write(`${matched - resent} of the ${matched} matched changed status meanwhile (a sender took them) and were left as they are\n`);
			}
		}

		return stopped ? stoppedExitCode : exitCodes.ok;
	},
};
