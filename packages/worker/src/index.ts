export { sqsMessageToRecord } from './batch/records';
export { WorkerConfigError, WorkerError } from './errors';
export { loadWorkerConfig } from './lambda/config';
export { createWorkerLogger, createWorkerMetrics, injectLambdaContext, logMetrics } from './lambda/observability';
export { createWorkerRuntime } from './lambda/runtime';
export type { WorkerLogger } from './log';
export { type MetricsSink, MetricsTally, WORKER_METRICS } from './metrics';
