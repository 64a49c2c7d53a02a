import {Gauge, Registry} from 'prom-client';
import type {HookStats} from '../operations/stats.js';
import {hookLabel, queueGauges, setHookGauges} from './delivery-metrics.js';

type Hook = {id: number; name: string; enabled: boolean};

/**
 * The figures of `hooks stats` in the Prometheus text format, once (for a textfile collector or
 * cron): the same gauges as the sender's metrics for the queue (here with `sent` too), hooks and
 * lag, and the attempts of the window with their success ratio and p50 / p95 duration.
 */
export async function statsAsPrometheus(stats: HookStats[], hooks: Hook[], windowMinutes: number): Promise<string> {
	const registry = new Registry();
	const registers = [registry];
	const gauges = queueGauges(registry);
	const labelNames = ['hook_id'] as const;
	const window = {
		attempts: new Gauge({name: 'http_hooks_window_attempts', help: `Attempts started in the last ${windowMinutes} minutes, by hook`, labelNames, registers}),
		success: new Gauge({name: 'http_hooks_window_success_ratio', help: `Share of those attempts answered 2xx (absent: none)`, labelNames, registers}),
		p50: new Gauge({name: 'http_hooks_window_attempt_duration_p50_seconds', help: 'Median attempt duration in the window', labelNames, registers}),
		p95: new Gauge({name: 'http_hooks_window_attempt_duration_p95_seconds', help: '95th percentile attempt duration in the window', labelNames, registers}),
	};
	setHookGauges(gauges, {
		hooks,
		lags: stats.flatMap(hook => hook.lagSeconds === null ? [] : [{hookId: hook.hookId, seconds: hook.lagSeconds}]),
	});
	for (const hook of stats) {
		const labels = {hook_id: hookLabel(hook.hookId)};
		for (const [status, count] of Object.entries(hook.counts)) {
			gauges.callbacks.set({...labels, status}, count);
		}

		window.attempts.set(labels, hook.attempts);
		if (hook.successRate !== null) {
			window.success.set(labels, hook.successRate);
		}

		if (hook.p50Ms !== null) {
			window.p50.set(labels, hook.p50Ms / 1000);
		}

		if (hook.p95Ms !== null) {
			window.p95.set(labels, hook.p95Ms / 1000);
		}
	}

	return registry.metrics();
}
