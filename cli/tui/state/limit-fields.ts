import type {HookRecord} from '../../../source/hooks/hook-store.js';
import type {HookInput} from '../../../source/hooks/validate-hook.js';

/** The form's delivery-control fields, as text. */
export type LimitValues = {rateLimit: string; maxInFlight: string; maxAttempts: string; retryDelays: string};

export const emptyLimits: LimitValues = {rateLimit: '', maxInFlight: '', maxAttempts: '', retryDelays: ''};

const text = (value: number | null | undefined) => value === null || value === undefined ? '' : String(value);

export function limitValuesOf(hook: HookRecord): LimitValues {
	return {
		rateLimit: text(hook.rateLimit),
		maxInFlight: text(hook.maxInFlight),
		maxAttempts: text(hook.maxAttempts),
		retryDelays: hook.retryDelays ? hook.retryDelays.join(', ') : '',
	};
}

// Plain decimal numbers become numbers; anything else goes to the hook's validation as typed,
// which refuses it naming the field and the text.
function number(typed: string): number | string | null {
	const trimmed = typed.trim();
	if (trimmed === '') {
		return null;
	}

	return /^\d{1,15}(\.\d{1,15})?$/.test(trimmed) ? Number(trimmed) : trimmed;
}

/** The fields as createHook / updateHook take them: empty is null (no limit, the sender's schedule). */
export function limitInput(values: LimitValues): Pick<HookInput, 'rateLimit' | 'maxInFlight' | 'maxAttempts' | 'retryDelays'> {
	const delays = values.retryDelays.trim() === '' ? null : values.retryDelays.split(/[\s,]+/).filter(Boolean).map(delay => number(delay));
	return {
		rateLimit: number(values.rateLimit) as number | null,
		maxInFlight: number(values.maxInFlight) as number | null,
		maxAttempts: number(values.maxAttempts) as number | null,
		retryDelays: delays as number[] | null,
	};
}
