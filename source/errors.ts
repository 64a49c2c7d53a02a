/** Base class of every error this library throws on purpose. */
export class HttpHooksError extends Error {
	/** The hook field the error is about (`targetUrl`, `headers`, …), when there is one. */
	field?: string;

	constructor(message: string, options?: {cause?: unknown; field?: string}) {
		super(message, options);
		this.name = new.target.name;
		this.field = options?.field;
	}
}

/** A signal name that is neither built in nor defined as a custom signal. */
export class InvalidSignalError extends HttpHooksError {}

/** Header text that cannot be parsed into `Key: value` rows. */
export class InvalidHeadersError extends HttpHooksError {}

/** A payload template or serializer that cannot produce a valid payload. */
export class InvalidPayloadError extends HttpHooksError {}

/** A hook with a bad URL, method, model, content type or other field. */
export class InvalidHookError extends HttpHooksError {}

/** Quote a user value for an error message, cut so a huge value stays readable. */
export function quote(value: unknown): string {
	const text = typeof value === 'string' ? value : JSON.stringify(value) ?? String(value);
	const cut = text.length > 200 ? `${text.slice(0, 200)}…` : text;
	return JSON.stringify(cut);
}

/**
 * A save refused because the hook changed since the editor loaded it (another editor, endpoint
 * health disabling it, plain SQL): nothing was written. `changes` says what changed (e.g. "it was
 * disabled (endpoint answered 410 Gone)"); `current` is the hook as it is now.
 */
export class StaleHookError extends HttpHooksError {
	readonly changes: string;
	readonly current: unknown;

	constructor(message: string, {changes, current}: {changes: string; current: unknown}) {
		super(message);
		this.changes = changes;
		this.current = current;
	}
}

/**
 * A callback that could not be stored, not even as an `error` callback: the app's write fails
 * with it, so that a change never commits silently without its webhook.
 */
export class CallbackStorageError extends HttpHooksError {}
