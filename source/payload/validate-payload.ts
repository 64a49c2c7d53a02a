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
		checkXmlCharacters(payload);
		const result = XMLValidator.validate(payload);
		if (result !== true) {
			const {msg, line, col} = result.err;
			throw new InvalidPayloadError(`Payload is an invalid XML: ${msg} (line ${line}, column ${col}) in ${excerpt(payload)}`);
		}
	}
}

// Characters XML 1.0 cannot hold, not even as a reference: C0 controls but tab, LF and CR;
// U+FFFE and U+FFFF; surrogates that are not part of a pair.
const notXml = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Refuse a character no XML parser accepts, naming it, rather than send what the receiver cannot read. */
function checkXmlCharacters(payload: string): void {
	const match = notXml.exec(payload);
	if (match) {
		const code = `U+${match[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
		throw new InvalidPayloadError(`Payload is an invalid XML: it holds ${code} at position ${match.index + 1}, a character XML cannot hold (a control character in the data?)`);
	}
}

function excerpt(payload: string): string {
	return JSON.stringify(payload.length > 200 ? `${payload.slice(0, 200)}…` : payload);
}
