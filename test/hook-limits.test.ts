import {QueryTypes} from 'sequelize';
import {dialectTest} from './helpers/dialect-test.js';
import {appWithHook} from './helpers/delivery.js';

dialectTest('a hook stores its rate limit, in-flight cap and retry schedule, and clears them with null', async (t, database) => {
	const {httpHooks, hookId} = await appWithHook(t, database, {targetUrl: 'http://127.0.0.1:9/hooks', rateLimit: 2.5, maxInFlight: 3, maxAttempts: 4, retryDelays: [0, 1000, 60_000]});
	const created = await httpHooks.getHook(hookId);
	t.like(created, {rateLimit: 2.5, maxInFlight: 3, maxAttempts: 4, retryDelays: [0, 1000, 60_000]});
	const [row] = await database.sequelize.query<{retry_delays: string}>('SELECT retry_delays FROM http_hooks WHERE id = :hookId', {replacements: {hookId}, type: QueryTypes.SELECT});
	t.is(row?.retry_delays, '[0,1000,60000]', 'stored as JSON text');

	const updated = await httpHooks.updateHook(hookId, {rateLimit: 20, retryDelays: [5]});
	t.like(updated, {rateLimit: 20, maxInFlight: 3, maxAttempts: 4, retryDelays: [5]});
	const cleared = await httpHooks.updateHook(hookId, {rateLimit: null, maxInFlight: null, maxAttempts: null, retryDelays: null});
	t.like(cleared, {rateLimit: null, maxInFlight: null, maxAttempts: null, retryDelays: null});
	t.like(await httpHooks.getHook(hookId), {rateLimit: null, retryDelays: null});
});
