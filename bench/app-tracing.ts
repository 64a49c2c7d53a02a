// An app's tracing, as an app sets it up: a global provider whose spans go to an exporter that
// drops them, and an async-hooks context manager. Set up once per process.
let api: Promise<typeof import('@opentelemetry/api')> | undefined;

export async function appTracing(): Promise<typeof import('@opentelemetry/api')> {
	api ??= (async () => {
		const loaded = await import('@opentelemetry/api');
		const {BasicTracerProvider, SimpleSpanProcessor} = await import('@opentelemetry/sdk-trace-base');
		const {AsyncLocalStorageContextManager} = await import('@opentelemetry/context-async-hooks');
		const dropping = {export: (_spans: unknown, done: (result: {code: number}) => void) => done({code: 0}), shutdown: async () => undefined};
		loaded.trace.setGlobalTracerProvider(new BasicTracerProvider({spanProcessors: [new SimpleSpanProcessor(dropping)]}));
		loaded.context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
		return loaded;
	})();
	return api;
}
