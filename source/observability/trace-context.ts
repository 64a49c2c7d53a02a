/** A W3C trace context (the fields of a `traceparent` header). */
export type TraceContext = {traceId: string; spanId: string; traceFlags: number};

// Version 00, the only one this library writes: 55 characters, lowercase hex, fixed places.
const traceparentPattern = /^00-([\da-f]{32})-([\da-f]{16})-([\da-f]{2})$/;
const zeroTraceId = '0'.repeat(32);
const zeroSpanId = '0'.repeat(16);

/**
 * Read a `traceparent` value as stored in a callback row. The row may have been written by
 * anyone (plain SQL included), so anything but a well-formed version-00 value with non-zero ids
 * (a header injection, control characters, a huge text, a non-string) gives undefined: such a value
 * is never sent nor linked to.
 */
export function parseTraceparent(value: unknown): TraceContext | undefined {
	if (typeof value !== 'string' || value.length !== 55) {
		return undefined;
	}

	const match = traceparentPattern.exec(value);
	if (!match || match[1] === zeroTraceId || match[2] === zeroSpanId) {
		return undefined;
	}

	return {traceId: match[1]!, spanId: match[2]!, traceFlags: Number.parseInt(match[3]!, 16)};
}

/** The `traceparent` header value of a trace context. */
export function formatTraceparent({traceId, spanId, traceFlags}: TraceContext): string {
	return `00-${traceId.toLowerCase()}-${spanId.toLowerCase()}-${(traceFlags & 0xFF).toString(16).padStart(2, '0')}`;
}

/** Whether a trace context could be written as a `traceparent` (ids of the right form, not zero). */
export function validTraceContext(context: TraceContext | undefined): context is TraceContext {
	return context !== undefined && parseTraceparent(formatTraceparent(context)) !== undefined;
}
