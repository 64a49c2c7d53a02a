/** Sequelize hook names that work as signals without being defined. */
export const builtInSignals = ['afterCreate', 'afterUpdate', 'afterDestroy', 'afterSave', 'afterUpsert', 'afterRestore'] as const;

export type BuiltInSignal = typeof builtInSignals[number];

/** A signal a hook fires on: a built-in one (completed by editors) or a custom signal's name. */
export type SignalName = BuiltInSignal | (string & {});

export function isBuiltInSignal(name: string): name is BuiltInSignal {
	return (builtInSignals as readonly string[]).includes(name);
}

const eventTypes: Record<BuiltInSignal, string> = {
	afterCreate: 'created',
	afterUpdate: 'updated',
	afterDestroy: 'deleted',
	afterSave: 'updated',
	afterUpsert: 'upserted',
	afterRestore: 'restored',
};

/** The event_type of a firing: built-in signals map to a verb, custom signals keep their name. */
export function eventTypeOf(signal: string, created = false): string {
	if (signal === 'afterSave') {
		return created ? 'created' : 'updated';
	}

	return isBuiltInSignal(signal) ? eventTypes[signal] : signal;
}

// Custom signal names: dotted words, as in `orders.shipped`.
export const customSignalName = /^[A-Za-z_][\w-]*(\.[A-Za-z_][\w-]*)*$/;
