export { sqsMessageToRecord } from './batch/records';
export { loadWorkerConfig } from './lambda/config';
export { createWorkerLogger, createWorkerMetrics, injectLambdaContext, logMetrics } from './lambda/observability';
export { createWorkerRuntime } from './lambda/runtime';
