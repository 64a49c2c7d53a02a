/** Content types a hook may declare; null means none (no Content-Type header, no validation). */
export const contentTypes = [
	'application/json',
	'application/xml',
	'text/xml',
	'text/plain',
	'application/javascript',
	'text/html',
] as const;

export type ContentType = typeof contentTypes[number];

export function isJson(contentType: string | null): boolean {
	return contentType === 'application/json';
}

export function isXml(contentType: string | null): boolean {
	return contentType === 'application/xml' || contentType === 'text/xml';
}
