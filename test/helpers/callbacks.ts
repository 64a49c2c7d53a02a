import type {HttpHooks} from '../../source/index.js';
import type {CallbackAttributes} from '../../source/store/models.js';

/** Every callback row, oldest first, as plain objects with parsed headers and payload. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read any field of a payload they wrote
export async function callbacksOf(httpHooks: HttpHooks): Promise<Array<CallbackAttributes & {json: any; headerMap: Record<string, string>}>> {
	const rows = await httpHooks.models.Callback.findAll({order: [['id', 'ASC']]});
	return rows.map(row => {
		const plain = row.get({plain: true}) as CallbackAttributes;
		let json: unknown;
		try {
			json = plain.payload === null ? null : JSON.parse(plain.payload);
		} catch {
			json = undefined;
		}

		return {...plain, json, headerMap: JSON.parse(plain.headers) as Record<string, string>};
	});
}

/** Poll until `check` returns a value other than undefined, or fail after `timeoutMs`. */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 8000, what = 'condition'): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const value = await check();
		if (value !== undefined) {
			return value;
		}

		if (Date.now() > deadline) {
			throw new Error(`${what} not met within ${timeoutMs} ms`);
		}

		await new Promise(resolve => setTimeout(resolve, 50));
	}
}
