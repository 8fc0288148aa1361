import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';

export { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
export { logMetrics } from '@aws-lambda-powertools/metrics/middleware';

/** The worker's service name in logs and metrics unless `POWERTOOLS_SERVICE_NAME` says otherwise. */
const WORKER_SERVICE_NAME = 'idp-sync-worker';

/**
 * The worker's Powertools Logger: structured JSON, service `idp-sync-worker`; the worker adds `correlation_id` (the
 * command id) and a redacted `person` to each entry itself, since people are processed in parallel.
 *
 * @example
 * const logger = createWorkerLogger();
 */
export function createWorkerLogger(): Logger {
  return new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? WORKER_SERVICE_NAME });
}

/**
 * The worker's Powertools Metrics (EMF), namespace `IdpSync` unless `POWERTOOLS_METRICS_NAMESPACE` is set.
 *
 * @example
 * const metrics = createWorkerMetrics();
 */
export function createWorkerMetrics(): Metrics {
  return new Metrics({
    namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'IdpSync',
    serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? WORKER_SERVICE_NAME,
  });
}
