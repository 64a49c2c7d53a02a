import {XMLValidator} from 'fast-xml-parser';
import {InvalidPayloadError} from '../errors.js';
import {isJson, isXml} from './content-types.js';

/** Check a rendered payload against its content type: JSON by parsing, XML with a validator. */
export function validatePayload(payload: string, contentType: string | null): void {
	if (isJson(contentType)) {
		try {
			JSON.parse(payload);
		} catch (error) {
			throw new InvalidPayloadError(`Payload is an invalid JSON: ${(error as Error).message} in ${excerpt(payload)}`, {cause: error});
		}
	} else if (isXml(contentType)) {
		const result = XMLValidator.validate(payload);
		if (result !== true) {
			const {msg, line, col} = result.err;
			throw new InvalidPayloadError(`Payload is an invalid XML: ${msg} (line ${line}, column ${col}) in ${excerpt(payload)}`);
		}
	}
}

function excerpt(payload: string): string {
	return JSON.stringify(payload.length > 200 ? `${payload.slice(0, 200)}…` : payload);
}
