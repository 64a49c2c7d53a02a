// Per-record ordering: sender throughput over the same callbacks with ordering keys and without,
// measured side by side on each dialect. BENCH_ORDERING_RECORDS / _EACH reduce the size.
import http from 'node:http';
import {randomUUID} from 'node:crypto';
import {setTimeout as sleep} from 'node:timers/promises';
import {QueryTypes, type Sequelize} from 'sequelize';
import {connectHttpHooks} from '../source/index.js';
import {createTestDatabase, postgresUrl, type Dialect} from '../test/helpers/database.js';

const records = Number(process.env['BENCH_ORDERING_RECORDS'] ?? 500);
const each = Number(process.env['BENCH_ORDERING_EACH'] ?? 10);
const total = records * each;

async function startReceiver(): Promise<{url: string; close(): Promise<void>}> {
	const server = http.createServer((request, response) => {
		request.resume();
		request.on('end', () => setTimeout(() => response.writeHead(204).end(), 2));
	});
	await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
	const {port} = server.address() as {port: number};
	return {url: `http://127.0.0.1:${port}/`, close: async () => new Promise(resolve => server.close(() => resolve()))};
}

async function insert(sequelize: Sequelize, hookId: number, url: string, ordered: boolean): Promise<void> {
	const columns = ['hook_id', 'hook_name', 'model', 'object_id', 'ordering_key', 'event_type', 'webhook_id', 'target_url', 'http_method', 'content_type', 'headers', 'payload', 'status', 'attempts', 'next_attempt_at', 'created_at', 'updated_at'];
	const row = `(${columns.map(() => '?').join(', ')})`;
	const now = new Date(Date.now() - 1000);
	// Updates of the records interleaved, as an app writes them.
	const rows = Array.from({length: total}, (_, index) => {
		const record = index % records;
		return [hookId, 'bench', 'Owner', String(record), ordered ? `Owner:${record}` : null, 'updated', `msg_${randomUUID()}`, url, 'POST', 'application/json', '{}', `{"n":${index}}`, 'waiting', 0, now, now, now];
	});
	for (let start = 0; start < rows.length; start += 500) {
		const values = rows.slice(start, start + 500);
		await sequelize.query(`INSERT INTO http_callbacks (${columns.join(', ')}) VALUES ${values.map(() => row).join(', ')}`, {replacements: values.flat(), type: QueryTypes.INSERT});
	}
}

async function rate(dialect: Dialect, url: string, ordered: boolean): Promise<number> {
	const database = await createTestDatabase(dialect);
	try {
		const httpHooks = await connectHttpHooks(database.sequelize);
		const hook = await httpHooks.models.Hook.create({name: 'bench', model: 'Owner', targetUrl: url, httpMethod: 'POST', contentType: 'application/json', headers: '', enabled: true, ordered});
		await insert(database.sequelize, hook.id, url, ordered);
		const started = performance.now();
		let sent = 0;
		// A run ends when all that is left waits for an earlier callback of its record: run again.
		while (sent < total) {
			const summary = await httpHooks.sendCallbacks({concurrency: 10});
			sent += summary.sent;
			if (summary.claimed === 0) {
				await sleep(5);
			}
		}

		const seconds = (performance.now() - started) / 1000;
		await httpHooks.close();
		return total / seconds;
	} finally {
		await database.close();
	}
}

export async function run(): Promise<void> {
	const receiver = await startReceiver();
	try {
		const dialects: Dialect[] = postgresUrl ? ['sqlite', 'postgres'] : ['sqlite'];
		console.log(`${total} callbacks: ${records} records x ${each} updates, interleaved; receiver answers in 2 ms; concurrency 10`);
		for (const dialect of dialects) {
			const without = await rate(dialect, receiver.url, false);
			const withOrdering = await rate(dialect, receiver.url, true);
			console.log(`  ${dialect.padEnd(8)} without ordering ${without.toFixed(0).padStart(6)}/s · ordered per record ${withOrdering.toFixed(0).padStart(6)}/s  (${(withOrdering / without).toFixed(2)}×)`);
		}
	} finally {
		await receiver.close();
	}
}
