export { sqsMessageToRecord } from './batch/records';
export { BATCH_COUNTS, type BatchCounts } from './batch/worker';
export { loadWorkerConfig } from './lambda/config';
export { createGraceSweeperRuntime, type GraceSweeperConfig, loadGraceSweeperConfig } from './lambda/grace-sweeper';
export {
  createWorkerLogger,
  createWorkerMetrics,
  injectLambdaContext,
  logMetrics,
  powertoolsWorkerMetrics,
} from './lambda/observability';
export { createWorkerRuntime } from './lambda/runtime';
