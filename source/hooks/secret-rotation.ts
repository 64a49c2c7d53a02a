import {checkInteger, ranges} from '../numbers.js';
import {sqlDate} from '../store/db-date.js';
import type {HookInput} from './validate-hook.js';

export type RotateOptions = {keepPreviousForMs?: number};

const defaultKeepPreviousMs = 24 * 60 * 60 * 1000;

/**
 * The secret fields of a hook whose secret becomes `newSecret`: a changed secret keeps the current
 * one signing beside it for `keepPreviousForMs` (0: dropped at once); an unchanged one leaves the
 * rotation window as it is; no secret (null or blank) drops both.
 */
export function secretChange(current: {secret: string | null}, newSecret: string | null, {keepPreviousForMs = defaultKeepPreviousMs}: RotateOptions = {}): Partial<HookInput> {
	checkInteger('keepPreviousForMs', keepPreviousForMs, ranges.keepPreviousForMs);

	const next = newSecret === null || String(newSecret).trim() === '' ? null : String(newSecret).trim();
	if (next !== null && next === current.secret) {
		return {secret: newSecret};
	}

	const keep = current.secret !== null && next !== null && keepPreviousForMs > 0;
	return {
		secret: newSecret,
		previousSecret: keep ? current.secret : null,
		previousSecretExpiresAt: keep ? sqlDate(new Date(Date.now() + keepPreviousForMs), 'The end of the previous secret') : null,
	};
}

