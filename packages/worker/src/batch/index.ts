export { visibilityTimeoutFor } from './backoff';
export { classifyFailure } from './classify';
export { deadLetterAttributes, deadLetterDeduplicationId, queueUrlFromArn } from './dlq';
export { RateLimiter } from './rate-limiter';
export { groupRecords, parseRecord } from './records';
export { type BatchReport, createWorker, type Worker } from './worker';
