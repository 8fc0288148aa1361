import {
  createWorkerLogger,
  createWorkerMetrics,
  createWorkerRuntime,
  injectLambdaContext,
  loadWorkerConfig,
  logMetrics,
  powertoolsWorkerMetrics,
} from '@idp-sync/worker';
import middy from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';

// Validated at module load: a misconfigured function fails at INIT with a message naming what to set.
const config = loadWorkerConfig();
const logger = createWorkerLogger();
const metrics = createWorkerMetrics();
const runtime = createWorkerRuntime({
  config,
  logger,
  metrics: powertoolsWorkerMetrics(metrics),
  publishMetrics: false,
});

/**
 * The worker Lambda (SQS FIFO event source with `ReportBatchItemFailures`): SQS records → commands → Users API.
 * All logic lives in `@idp-sync/worker`; this wires Powertools logging and metrics around it.
 *
 * @example
 * // CDK: new NodejsFunction(this, 'Worker', { entry: 'functions/worker/src/handler.ts', handler: 'handler' })
 */
export const handler = middy(
  (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => runtime.processBatch(event, context),
)
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics, { captureColdStartMetric: true }));
