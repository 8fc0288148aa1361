/** The dimensions of one count: name → value (CloudWatch takes at most 30 per metric). */
export type MetricDimensions = Readonly<Record<string, string>>;

/**
 * Counting, with per-count dimensions: the one metrics port of every package, so none depends on how metrics are
 * shipped (the HTTP functions write EMF lines themselves, the worker goes through Powertools). Each package keeps
 * its metric names beside its code (`INGEST_METRIC` in `@idp-sync/http`, `WORKER_METRICS`, `SCIM_METRICS`).
 * Counts with no dimension of their own carry `{}`.
 *
 * @example
 * metrics.count(INGEST_METRIC.requests, { source: 'okta', outcome: 'accepted' });
 * metrics.count(SCIM_METRICS.request, {});
 */
export interface Metrics {
  /** Adds `value` (1 when omitted) to the metric `name` with these dimensions. */
  count(name: string, dimensions: MetricDimensions, value?: number): void;
}

/**
 * Metrics that go nowhere: the default where no metrics are given.
 *
 * @example
 * createRouter(routes, logger, noopMetrics);
 */
export const noopMetrics: Metrics = { count() {} };
