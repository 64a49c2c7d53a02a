import type {Sequelize} from 'sequelize';
import {bindCapture, firer} from './capture/bind-capture.js';
import {writeHeldRowsBeforeReads} from './capture/pending-callbacks.js';
import {HookCache} from './capture/hook-cache.js';
import {watchForReload} from './capture/reload-watcher.js';
import {HttpHooks} from './http-hooks.js';
import {resolveOptions, type HttpHooksOptions} from './options.js';
import {migrate} from './store/migrate.js';
import {recordModels} from './store/model-catalog.js';
import {defineModels} from './store/models.js';
import {applySqliteBusyTimeout} from './store/sqlite-busy-timeout.js';
import {loadTraceApi} from './observability/tracing.js';

/**
 * Register the library on an app's Sequelize instance: apply migrations, record the app's
 * models for the console, load the hooks and turn model events into callbacks.
 */
export async function registerHttpHooks(sequelize: Sequelize, options: HttpHooksOptions = {}): Promise<HttpHooks> {
	const resolved = resolveOptions(options);
	const models = await prepare(sequelize, resolved);
	await recordModels(models, sequelize);
	if (resolved.shutDown) {
		return new HttpHooks(sequelize, models, resolved);
	}

	const cache = new HookCache(models, {registered: resolved.serializers, modules: resolved.serializerModules, load: true}, resolved.templateLimits);
	await cache.reload();
	const settings = {raiseExceptions: resolved.raiseExceptions, ownModels: new Set(Object.values(models).map(model => model.name)), warn: resolved.warn};
	const fire = firer(sequelize, cache, settings);
	const unbind = bindCapture(sequelize, cache, settings, fire);
	writeHeldRowsBeforeReads(models.Callback as never);
	const watcher = await watchForReload(sequelize, async () => cache.reload(), {intervalMs: resolved.reloadIntervalMs, warn: resolved.warn});
	return new HttpHooks(sequelize, models, resolved, {cache, fire, watcher, unbind});
}

/**
 * Open the library on a Sequelize instance without capturing model events: for workers that
 * only send callbacks, and for the `hooks` and `hooks-tui` programs, which never load app code.
 */
export async function connectHttpHooks(sequelize: Sequelize, options: HttpHooksOptions = {}): Promise<HttpHooks> {
	const resolved = resolveOptions(options);
	return new HttpHooks(sequelize, await prepare(sequelize, resolved), resolved, undefined, {loadSerializers: false});
}

async function prepare(sequelize: Sequelize, resolved: ReturnType<typeof resolveOptions>) {
	applySqliteBusyTimeout(sequelize, resolved.sqliteBusyTimeoutMs);
	if (resolved.tracing) {
		await loadTraceApi();
	}

	if (resolved.migrate) {
		await migrate(sequelize);
	}

	return defineModels(sequelize);
}
