/**
 * A date as the database returned it from a raw query: a Date (PostgreSQL), or on SQLite the
 * text Sequelize stored, `2026-01-02 03:04:05.678 +00:00`. Null stays null.
 */
export function parseDbDate(value: unknown): Date | null {
	if (value === null || value === undefined) {
		return null;
	}

	if (value instanceof Date) {
		return value;
	}

	const text = String(value);
	const match = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2}(?:\.\d+)?)\s*(Z|[+-]\d{2}:?\d{2})?$/.exec(text);
	const date = match ? new Date(`${match[1]}T${match[2]}${match[3] ?? 'Z'}`) : new Date(text);
	return Number.isNaN(date.getTime()) ? null : date;
}
