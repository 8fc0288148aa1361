import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { WorkerMetrics } from '../metrics';

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

/**
 * The worker's metrics written through a Powertools `Metrics`: a count without dimensions of its own goes into the
 * batch's document (dimension `service` only); a count with dimensions (`action`, `errorClass`) is published at once
 * as a single metric with them; timings are `Milliseconds`; `publish` is `publishStoredMetrics`.
 *
 * @example
 * const metrics = createWorkerMetrics();
 * const runtime = createWorkerRuntime({ config, metrics: powertoolsWorkerMetrics(metrics), publishMetrics: false });
 */
export function powertoolsWorkerMetrics(metrics: Metrics): WorkerMetrics {
  return {
    count(name, dimensions, value = 1) {
      if (Object.keys(dimensions).length === 0) {
        metrics.addMetric(name, MetricUnit.Count, value);
        return;
      }
      const single = metrics.singleMetric();
      single.addDimensions({ ...dimensions });
      single.addMetric(name, MetricUnit.Count, value);
    },
    timing(name, milliseconds) {
      metrics.addMetric(name, MetricUnit.Milliseconds, milliseconds);
    },
    publish() {
      metrics.publishStoredMetrics();
    },
  };
}
