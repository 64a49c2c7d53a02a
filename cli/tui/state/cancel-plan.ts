import type {CallbackStatus} from '../../../source/store/models.js';
import type {CallbacksFilter} from './callbacks-state.js';

/** What a cancel can act on: callbacks not final yet. */
export const cancellableStatuses: readonly CallbackStatus[] = ['waiting', 'sending'];

export function isCancellable(status: CallbackStatus): boolean {
	return cancellableStatuses.includes(status);
}

/** A plan for "cancel what the filter shows": the statuses to cancel, or why there is nothing to. */
export type CancelPlan = {statuses: CallbackStatus[]} | {refused: string};

/** The filter's own status if it can be cancelled, else both cancellable ones; a final status has nothing to cancel. */
export function cancelPlan(filter: CallbacksFilter): CancelPlan {
	if (filter.status === undefined) {
		return {statuses: [...cancellableStatuses]};
	}

	return isCancellable(filter.status) ? {statuses: [filter.status]} : {refused: `${filter.status} callbacks are final: nothing to cancel`};
}

/** The question asked before cancelling, with the count. */
export function cancelQuestion(count: number, noun: string, filterText: string): string {
	return `Cancel ${noun}${filterText}? ${count === 1 ? 'It is' : 'They are'} never sent then (hooks resend --status cancelled brings one back)`;
}

/** What a cancel did, in one line. */
export function cancelOutcome(result: {cancelled: number; wereSending: number; stillSending: number}, asked: number): string {
	const parts = [`${result.cancelled} of ${asked} cancelled`];
	if (result.wereSending > 0) {
		parts.push(result.stillSending > 0 ? `${result.stillSending} still held by a sender` : `${result.wereSending} attempts under way ended first`);
	}

	if (result.cancelled < asked) {
		parts.push(`${asked - result.cancelled} reached a final status first`);
	}

	return parts.join(' · ');
}
