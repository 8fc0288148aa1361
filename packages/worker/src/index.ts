export { DLQ_ATTRIBUTES } from './batch/dlq';
export { sqsMessageToRecord } from './batch/records';
export { WorkerConfigError } from './errors';
export { loadWorkerConfig } from './lambda/config';
export {
  createWorkerLogger,
  createWorkerMetrics,
  injectLambdaContext,
  logMetrics,
  powertoolsWorkerMetrics,
} from './lambda/observability';
export { createWorkerRuntime } from './lambda/runtime';
export { MetricsTally, WORKER_METRICS, type WorkerMetrics } from './metrics';
