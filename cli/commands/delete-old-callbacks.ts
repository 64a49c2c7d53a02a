import {ranges} from '../../source/numbers.js';
import type {DeleteProgress} from '../../source/operations/delete-old-callbacks.js';
import {exitCodes, UsageError, type Command, type Io} from '../command.js';
import {databaseFlag, openHttpHooks} from '../database.js';
import {integerFlag, optionalIntegerFlag, rangeText} from '../flag-values.js';

/** Exit code when Ctrl-C stopped the deletion between two batches (128 + SIGINT, as shells do). */
export const stoppedExitCode = 130;

/** One line, rewritten in place, on a terminal only. */
function progressLine(io: Io): ((progress: DeleteProgress) => void) | undefined {
	if (!io.interactive) {
		return undefined;
	}

	return ({deleted, total}) => {
		const percent = total > 0 ? Math.floor((deleted / total) * 100) : 100;
		io.stdout.write(`\r\u001B[KDeleting old callbacks: ${deleted} of ${total} (${percent}%)  Ctrl-C stops after this batch`);
	};
}

export const deleteOldCallbacksCommand: Command = {
	name: 'delete-old-callbacks',
	usage: 'delete-old-callbacks DAYS [--dry-run] [--batch-size N] [--json]',
	help: [
		'Deletes the final callbacks (sent, error or cancelled) created more than DAYS days ago, with',
		'their attempt rows. A callback still waiting, or being sent right now, is never deleted.',
		`DAYS is a whole number from ${rangeText(ranges.days)} (0: everything created until now).`,
		'The work goes in batches, each its own short transaction, so the app and the senders keep',
		'working meanwhile and memory stays flat. A terminal shows progress; Ctrl-C stops after',
		'the current batch and reports what was deleted so far (exit 130).',
		'',
		'Exit codes: 0 done, 2 bad DAYS or flag, 3 database unavailable, 130 stopped by Ctrl-C.',
	].join('\n'),
	examples: [
		'hooks delete-old-callbacks 30',
		'hooks delete-old-callbacks 90 --dry-run',
		'hooks delete-old-callbacks 7 --batch-size 500 --json',
	],
	flags: {
		...databaseFlag,
		dryRun: {type: 'boolean', default: false, description: 'Count what would be deleted; delete nothing'},
		batchSize: {type: 'string', placeholder: 'N', description: `Callbacks deleted per transaction, ${rangeText(ranges.deleteBatchSize)} (default 2000)`},
		json: {type: 'boolean', default: false, description: 'Print the result as JSON'},
	},
	takesArguments: true,
	async run(input, flags, io) {
		if (input.length !== 1) {
			throw new UsageError(input.length === 0 ? 'DAYS is missing: how old, in days, a callback must be to go' : `Expected one DAYS argument, got ${input.length}: ${input.join(' ')}`);
		}

		const days = integerFlag('DAYS', input[0], ranges.days);
		const batchSize = optionalIntegerFlag('--batch-size', flags['batchSize'], ranges.deleteBatchSize);
		const dryRun = Boolean(flags['dryRun']);
		const {httpHooks, sequelize} = await openHttpHooks(flags['databaseUrl'] as string | undefined);
		const onProgress = dryRun ? undefined : progressLine(io);
		let result;
		try {
			result = await httpHooks.deleteOldCallbacks(days, {dryRun, batchSize, onProgress, signal: io.stopSignal});
		} finally {
			if (onProgress) {
				io.stdout.write('\r\u001B[K');
			}

			await sequelize.close();
		}

		const {deleted, cutoff, stopped, skipped} = result;
		if (flags['json']) {
			io.stdout.write(`${JSON.stringify({deleted, cutoff: cutoff.toISOString(), dryRun, stopped, skipped})}\n`);
		} else {
			const noun = deleted === 1 ? 'callback' : 'callbacks';
			const before = `created before ${cutoff.toISOString()}`;
			io.stdout.write(dryRun
				? `Would delete ${deleted} ${noun} ${before} (dry run: nothing deleted)\n`
				: `${stopped ? 'Stopped: deleted' : 'Deleted'} ${deleted} ${noun} ${before}, with their attempts${stopped ? '; the rest are still there' : ''}\n`);
			if (skipped > 0) {
				const which = `${skipped} old ${skipped === 1 ? 'callback' : 'callbacks'} still waiting or being sent`;
				io.stdout.write(`${dryRun ? 'Would leave' : 'Left'} ${which}\n`);
			}
		}

		return stopped ? stoppedExitCode : exitCodes.ok;
	},
};
