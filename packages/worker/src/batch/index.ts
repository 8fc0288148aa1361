export { MetricsTally, WORKER_METRICS, type WorkerMetrics } from '../metrics';
export { visibilityTimeoutFor } from './backoff';
export { classifyFailure } from './classify';
export { deadLetterAttributes, deadLetterDeduplicationId, queueUrlFromArn } from './dlq';
export { groupRecords, parseRecord } from './records';
export { UsersApiRateLimiter } from './users-api-rate-limiter';
export { BATCH_COUNTS, type BatchCounts, type BatchReport, createWorker, type Worker } from './worker';
