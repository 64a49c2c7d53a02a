// `npm run bench [name…]`: runs every benchmark (or the named ones) and prints figures and
// ratios measured side by side. Nothing is asserted: machines are noisy; the README keeps the figures.
const benches: Record<string, () => Promise<{run(): Promise<void>}>> = {
	capture: async () => import('./capture.js'),
	operations: async () => import('./operations.js'),
	delivery: async () => import('./delivery.js'),
	tui: async () => import('./tui.js'),
	ordering: async () => import('./ordering.js'),
	// More benchmarks register here.
};

const wanted = process.argv.slice(2);
for (const [name, load] of Object.entries(benches)) {
	if (wanted.length > 0 && !wanted.includes(name)) {
		continue;
	}

	console.log(`\n## ${name}\n`);
	const bench = await load();
	await bench.run();
}
