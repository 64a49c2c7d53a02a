import {isJson, isXml} from './content-types.js';

export type Escape = (text: string) => string;

const jsonString: Escape = text => JSON.stringify(text).slice(1, -1);

const xmlEntities: Record<string, string> = {'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', '\'': '&apos;', '\r': '&#13;'};
// A raw CR is read back as LF by every XML parser (end-of-line handling): as a reference it stays.
const xmlText: Escape = text => text.replaceAll(/[&<>"'\r]/g, character => xmlEntities[character]!);

const htmlEntities: Record<string, string> = {'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', '\'': '&#39;'};
const htmlText: Escape = text => text.replaceAll(/[&<>"']/g, character => htmlEntities[character]!);

/**
 * How `{{ value }}` is escaped for a content type: inside JSON (and JavaScript) for a string
 * literal, inside XML and HTML as text with entities; plain text and no content type as is.
 */
export function escapeFor(contentType: string | null): Escape | undefined {
	if (isJson(contentType) || contentType === 'application/javascript') {
		return jsonString;
	}

	if (isXml(contentType)) {
		return xmlText;
	}

	if (contentType === 'text/html') {
		return htmlText;
	}

	return undefined;
}
