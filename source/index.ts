// The declarations use Node's types (AbortSignal, node:net…), as Sequelize's do: they load them themselves, so
// an app compiles them with `types: []` too (with @types/node installed, as every Sequelize app in TypeScript has).
/// <reference types="node" preserve="true" />
export {registerHttpHooks, connectHttpHooks} from './register-http-hooks.js';
export {HttpHooks} from './http-hooks.js';
export type {HttpHooksOptions, Logger, LogDetails} from './options.js';
export {
	HttpHooksError, InvalidSignalError, InvalidHeadersError, InvalidPayloadError, InvalidHookError,
} from './errors.js';
export {CallbackStorageError} from './errors.js';
export type {HookInput} from './hooks/validate-hook.js';
export type {HookRecord, RotateOptions} from './hooks/hook-store.js';
export {secretChange} from './hooks/hook-store.js';
export {StaleHookError} from './errors.js';
export type {UpdateHookOptions} from './hooks/hook-store.js';
export type {EnsureResult, EnsureOutcome, FieldChange} from './hooks/ensure-hook.js';
export type {CustomSignal} from './capture/custom-signal.js';
export type {Serializer, SerializerClass, SerializerModules} from './payload/serializer.js';
export type {
	HttpHooksModels, HookAttributes, SignalAttributes, CallbackAttributes, AttemptAttributes, CallbackStatus,
} from './store/models.js';
export {builtInSignals} from './signals.js';
export type {BuiltInSignal, SignalName} from './signals.js';
export type {HttpHooksModelOptions} from './model-options.js';
export {contentTypes} from './payload/content-types.js';
export {httpMethods} from './hooks/validate-hook.js';
export {parseHeaders} from './headers.js';
export {migrate} from './store/migrate.js';
export type {SendOptions, SendSummary, SendProgress} from './delivery/sender.js';
export type {DeliveryOptions} from './delivery/delivery-settings.js';
export type {MonitorOptions, MonitorResult, MonitorLevel, MonitoredStatus} from './operations/monitor-callbacks.js';
export type {DeleteOldOptions, DeleteOldResult, DeleteProgress} from './operations/delete-old-callbacks.js';
export type {HookStats, StatsOptions} from './operations/stats.js';
export type {HookPreview, PreviewOptions} from './operations/preview-hook.js';
export type {CallbackSelector} from './operations/callback-selection.js';
export {InvalidSelectionError} from './operations/callback-selection.js';
export type {ResendOptions, ResendResult, BulkProgress} from './operations/resend-callbacks.js';
export type {CancelOptions, CancelResult} from './operations/cancel-callbacks.js';
export type {
	AttemptEvent, FailedEvent, HookDisabledEvent, SendErrorEvent, DeliveryEventMap, DeliveryEventName, DeliveryListener,
} from './observability/delivery-events.js';
export type {MetricsOptions} from './observability/delivery-metrics.js';
export type {MetricsServer, MetricsServerOptions} from './observability/metrics-server.js';
