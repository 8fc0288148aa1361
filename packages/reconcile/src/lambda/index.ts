export {
  loadReconcileFunctionConfig,
  ReconcileConfigError,
  type ReconcileFunctionConfig,
  SCHEDULED_SOURCES,
  type ScheduledSource,
  type SecretSetting,
} from './config';
export { createReconcileRuntime, type ReconcileRuntimeOptions } from './runtime';
