/**
 * Text from the database (hook names, payloads, response bodies, errors) is written by operators,
 * end users and strangers: written raw it could recolour, retitle (OSC) or rewrite the operator's
 * terminal, or reorder what it shows (bidi overrides). Every text output of the programs goes
 * through `safeText` at the point where it is written; `--json` output goes through `safeJson`.
 */

// C0 controls, DEL and C1 controls; bidi embeddings, overrides and isolates; bidi marks; the
// Unicode line and paragraph separators (line breaks to some terminals, not to others).
const unsafe = /[\u0000-\u001F\u007F-\u009F\u061C\u200E\u200F\u2028\u2029\u202A-\u202E\u2066-\u2069]/g;
const unsafeButLines = /[\u0000-\u0009\u000B-\u001F\u007F-\u009F\u061C\u200E\u200F\u2028\u2029\u202A-\u202E\u2066-\u2069]/g;

// What JSON.stringify leaves raw inside strings (it escapes C0 itself; outside strings there is only layout).
const unsafeInJson = /[\u007F-\u009F\u061C\u200E\u200F\u2028\u2029\u202A-\u202E\u2066-\u2069]/g;

const named: Record<string, string> = {'\n': '\\n', '\r': '\\r', '\t': '\\t'};

function escape(character: string): string {
	const code = character.codePointAt(0)!;
	return named[character] ?? (code <= 0xFF ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`);
}

/**
 * Text fit for a terminal: every control character (and bidi control) shown escaped, as `\x1b`,
 * `\u202e`, `\n`. With `lines`, line feeds are kept (for text shown on several lines); a CR is
 * shown as `\r` either way, since it would move the cursor back over what was written.
 */
export function safeText(text: string, {lines = false}: {lines?: boolean} = {}): string {
	return lines ? text.replaceAll('\r\n', '\n').replaceAll(unsafeButLines, escape) : text.replaceAll(unsafe, escape);
}

/**
 * JSON for output: exact (it parses to the same values), with the characters JSON leaves raw
 * (DEL, C1, bidi controls) written as `\u` escapes, so that even `--json` on a terminal is safe.
 */
export function safeJson(value: unknown, indent?: number): string {
	return JSON.stringify(value, undefined, indent).replaceAll(unsafeInJson, character => `\\u${character.codePointAt(0)!.toString(16).padStart(4, '0')}`);
}
