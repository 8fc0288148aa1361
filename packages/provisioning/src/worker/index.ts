export { SQS_MAX_VISIBILITY_SECONDS, type VisibilityBackoffOptions, visibilityTimeoutFor } from './backoff';
export { classifyFailure, type FailureInfo } from './classify';
export { loadWorkerConfig, type WorkerConfig, WorkerEnvSchema } from './config';
export { createRateLimitedDispatcher, limitUsersApi, rateLimitInterceptor } from './dispatcher';
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
  WORKER_SERVICE_NAME,
} from './observability';
export { RateLimiter, type RateLimiterOptions, type RateLimiterStats } from './rate-limiter';
export { groupRecords, parseRecord, sqsMessageToRecord, type WorkerRecord } from './records';
export { createWorkerRuntime, type WorkerRuntime, type WorkerRuntimeOptions } from './runtime';
export { API_KEY_CACHE_SECONDS, resolveApiKey } from './secrets';
export { createWorkerUsersClient, type WorkerUsersClient } from './users-client';
export { type BatchReport, type CreateWorkerOptions, createWorker, type RecordOutcome, type Worker } from './worker';
