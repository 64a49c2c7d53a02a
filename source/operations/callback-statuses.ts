import {HttpHooksError, quote} from '../errors.js';
import type {CallbackStatus} from '../store/models.js';

// Apart from browse-callbacks.ts: the programs check a status flag without loading Sequelize.

export const callbackStatuses: CallbackStatus[] = ['waiting', 'sending', 'sent', 'error', 'cancelled'];

/** The status, checked: one of callbackStatuses, else an HttpHooksError naming it. */
export function checkStatus(status: string | undefined): CallbackStatus | undefined {
	if (status !== undefined && !(callbackStatuses as string[]).includes(status)) {
		throw new HttpHooksError(`Status ${quote(status)} is not one of ${callbackStatuses.join(', ')}`);
	}

	return status as CallbackStatus | undefined;
}
