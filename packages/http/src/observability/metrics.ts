import type { MetricDimensions, Metrics } from '@idp-sync/common';

/**
 * The HTTP functions' metric names (CloudWatch, as embedded metric format lines: `createEmfMetrics`). They keep the
 * webhook function's names (`IngestRequests`…) that the stack's dashboards and alarms read; SCIM counts in them too.
 */
export const INGEST_METRIC = {
  /** Every request, by `source` and `outcome` (accepted, unauthorized, invalid, queue-failed, …). */
  requests: 'IngestRequests',
  /** Commands SQS accepted, by `source` and `action`. */
  commandsQueued: 'CommandsQueued',
  /** Source events acknowledged and not queued, by `source`, `eventType` and `reason`. */
  eventsIgnored: 'EventsIgnored',
  /** Commands whose `occurredAt` lay over a minute beyond `receivedAt` and was capped there, by `source`. */
  occurredAtCapped: 'OccurredAtCapped',
} as const;

/**
 * Metrics kept in memory, for tests to assert on: every count as it was made, and sums over them.
 *
 * @example
 * const metrics = createMemoryMetrics();
 * metrics.total('CommandsQueued', { source: 'hr' });
 */
export interface MemoryMetrics extends Metrics {
  readonly records: ReadonlyArray<{ name: string; dimensions: MetricDimensions; value: number }>;
  /** Sum of a metric over the records whose dimensions include `match`. */
  total(name: string, match?: MetricDimensions): number;
}

/**
 * Metrics kept in memory: tests assert on them.
 *
 * @example
 * const metrics = createMemoryMetrics();
 * metrics.count('CommandsQueued', { source: 'hr' }, 2);
 * metrics.total('CommandsQueued', { source: 'hr' }) // 2
 */
export function createMemoryMetrics(): MemoryMetrics {
  const records: { name: string; dimensions: MetricDimensions; value: number }[] = [];
  return {
    records,
    count(name, dimensions, value = 1) {
      records.push({ name, dimensions: { ...dimensions }, value });
    },
    total(name, match = {}) {
      return records
        .filter((r) => r.name === name && Object.entries(match).every(([k, v]) => r.dimensions[k] === v))
        .reduce((sum, r) => sum + r.value, 0);
    },
  };
}
