import {SafeString, stringOf, TooLongError} from './sandbox-values.js';

// The limits of one sandboxed render and the work it has done so far.

export type TemplateLimits = {
	/** The longest a render may take, in ms. */
	timeoutMs: number;
	/** Loop iterations and macro calls in one render; also the longest `range()`. */
	maxIterations: number;
	/** The largest string a render may produce, in UTF-16 units for intermediate strings and in bytes for the result. */
	maxOutputBytes: number;
};

export const defaultTemplateLimits: TemplateLimits = {timeoutMs: 100, maxIterations: 100_000, maxOutputBytes: 1024 * 1024};

/** A render went past one of its limits. */
export class TemplateLimitError extends Error {
	override name = 'TemplateLimitError';
	constructor(message: string, readonly limit: keyof TemplateLimits) {
		super(message);
	}
}

type RenderState = {limits: TemplateLimits; escape: (text: string) => string; deadline: number; ticks: number; iterations: number};
let active: RenderState | undefined;

/** Start a render's accounting; the returned function ends it. Renders are synchronous and never nested. */
export function beginRender(limits: TemplateLimits, escape: (text: string) => string): () => void {
	if (active) {
		throw new Error('a sandboxed render cannot start inside another');
	}

	active = {limits, escape, deadline: performance.now() + limits.timeoutMs, ticks: 0, iterations: 0};
	return () => {
		active = undefined;
	};
}

function state(): RenderState {
	if (!active) {
		throw new Error('sandbox runtime used outside a render');
	}

	return active;
}

/** One unit of work: the clock is read every 256 of them. */
export function tick(): void {
	const current = state();
	if ((++current.ticks & 0xFF) === 0 && performance.now() > current.deadline) {
		throw new TemplateLimitError(`ran longer than ${current.limits.timeoutMs} ms`, 'timeoutMs');
	}
}

/** One loop iteration or macro call. */
export function iterate(): void {
	const current = state();
	if (++current.iterations > current.limits.maxIterations) {
		throw new TemplateLimitError(`ran more than ${current.limits.maxIterations} loop iterations and macro calls`, 'maxIterations');
	}

	tick();
}

/** A string a render keeps (output, a variable, a filter's result) may not outgrow the payload. */
export function checkSize<T>(value: T): T {
	const length = typeof value === 'string' ? value.length : (value instanceof SafeString ? stringOf(value).length : 0);
	const limit = state().limits.maxOutputBytes;
	if (length > limit) {
		throw new TemplateLimitError(`produced more than ${limit} bytes`, 'maxOutputBytes');
	}

	return value;
}

/** Turn a TooLongError of the value helpers into the size limit's error. */
export function sizeLimited<T>(build: () => T): T {
	try {
		return build();
	} catch (error) {
		if (error instanceof TooLongError) {
			throw new TemplateLimitError(`produced more than ${state().limits.maxOutputBytes} bytes`, 'maxOutputBytes');
		}

		throw error;
	}
}

/** The escape of the running render, for the escape filters. */
export function currentEscape(): (text: string) => string {
	return state().escape;
}

/** The iteration limit of the running render, for range() and filters that repeat. */
export function currentLimits(): TemplateLimits {
	return state().limits;
}

