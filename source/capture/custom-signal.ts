import type {Model, Transaction} from 'sequelize';
import {InvalidSignalError, quote} from '../errors.js';
import type {Fire} from './bind-capture.js';

export type CustomSignal = {
	readonly name: string;
	/** Fire the signal for an instance; hooks of the instance's model on this signal write callbacks. */
	send(instance: Model, args?: Record<string, unknown>, options?: {transaction?: Transaction | null}): Promise<void>;
};

/**
 * A custom signal of the app. Its row is created in the background on definition (defineSignal
 * is synchronous, for start-up code); the first send waits for it.
 */
export function customSignal(name: string, ensureRow: Promise<unknown>, fire: Fire | undefined): CustomSignal {
	// Keep an early failure from surfacing as an unhandled rejection; send reports it.
	ensureRow.catch(() => undefined);
	return {
		name,
		async send(instance, args = {}, options = {}) {
			await ensureRow;
			if (!instance || typeof (instance as {get?: unknown}).get !== 'function') {
				throw new InvalidSignalError(`Signal ${quote(name)} was sent ${quote(String(instance))}; send a model instance`);
			}

			await fire?.(instance, [name], {transaction: options.transaction, args});
		},
	};
}
