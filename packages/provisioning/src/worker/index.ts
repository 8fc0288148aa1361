export { type VisibilityBackoffOptions, visibilityTimeoutFor } from './backoff';
export { classifyFailure, type FailureInfo } from './classify';
export { loadWorkerConfig, type WorkerConfig } from './config';
export { createRateLimitedDispatcher, limitUsersApi } from './dispatcher';
export {
  changeVisibility,
  DeadLetterSender,
  DLQ_ATTRIBUTES,
  deadLetterAttributes,
  deadLetterDeduplicationId,
  queueUrlFromArn,
} from './dlq';
export { WorkerConfigError } from './errors';
export { silentWorkerLogger, type WorkerLogger } from './log';
export { type MetricsSink, MetricsTally, noopWorkerMetrics, WORKER_METRICS, type WorkerMetricUnit } from './metrics';
export {
  createWorkerLogger,
  createWorkerMetrics,
  injectLambdaContext,
  logMetrics,
} from './observability';
export { RateLimiter, type RateLimiterOptions, type RateLimiterStats } from './rate-limiter';
export { groupRecords, parseRecord, sqsMessageToRecord, type WorkerRecord } from './records';
export { createWorkerRuntime, type WorkerRuntime, type WorkerRuntimeOptions } from './runtime';
export { resolveApiKey } from './secrets';
export { createWorkerUsersClient, type WorkerUsersClient } from './users-client';
export { type BatchReport, type CreateWorkerOptions, createWorker, type RecordOutcome, type Worker } from './worker';
