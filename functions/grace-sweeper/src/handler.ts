import {
  createGraceSweeperRuntime,
  createWorkerLogger,
  createWorkerMetrics,
  injectLambdaContext,
  loadGraceSweeperConfig,
  logMetrics,
  powertoolsWorkerMetrics,
} from '@idp-sync/worker';
import middy from '@middy/core';

// Validated at module load: a misconfigured function fails at INIT with a message naming what to set.
const config = loadGraceSweeperConfig();
const logger = createWorkerLogger();
const metrics = createWorkerMetrics();
const sweeper = createGraceSweeperRuntime({ config, logger, metrics: powertoolsWorkerMetrics(metrics) });

/**
 * The grace sweeper Lambda (an EventBridge rule, every minute): re-queues the deletes whose grace period ended, each
 * under its person's FIFO group. All logic lives in `@idp-sync/worker`'s `grace` folder.
 *
 * @example
 * // CDK: new NodejsFunction(this, 'GraceSweeper', { entry: 'functions/grace-sweeper/src/handler.ts' })
 */
export const handler = middy(() => sweeper.sweep())
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics));
