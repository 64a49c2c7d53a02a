/** How many single-character edits (insert, delete, replace, swap two neighbours) turn `a` into `b`. */
export function editDistance(a: string, b: string): number {
	const rows = Array.from({length: a.length + 1}, (_, i) => Array.from({length: b.length + 1}, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
	for (let i = 1; i <= a.length; i++) {
		for (let j = 1; j <= b.length; j++) {
			const cost = a[i - 1] === b[j - 1] ? 0 : 1;
			let best = Math.min(rows[i - 1]![j]! + 1, rows[i]![j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
			if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
				best = Math.min(best, rows[i - 2]![j - 2]! + 1);
			}

			rows[i]![j] = best;
		}
	}

	return rows[a.length]![b.length]!;
}

/**
 * The name among `names` that `typed` most likely meant: a few edits away (a third of its length,
 * at least 2), or the only name it starts (`--hook` → `hook-id`); undefined when none is close.
 */
export function closestName(typed: string, names: string[]): string | undefined {
	const word = typed.toLowerCase();
	let best: {name: string; distance: number} | undefined;
	for (const name of names) {
		const distance = editDistance(word, name.toLowerCase());
		if (distance <= Math.max(2, Math.floor(name.length / 3)) && (!best || distance < best.distance)) {
			best = {name, distance};
		}
	}

	if (best) {
		return best.name;
	}

	const started = names.filter(name => word.length >= 2 && name.toLowerCase().startsWith(word));
	return started.length === 1 ? started[0] : undefined;
}
