export { sqsMessageToRecord } from './batch/records';
export { loadWorkerConfig } from './lambda/config';
export {
  createWorkerLogger,
  createWorkerMetrics,
  injectLambdaContext,
  logMetrics,
  powertoolsWorkerMetrics,
} from './lambda/observability';
export { createWorkerRuntime } from './lambda/runtime';
