/** Metric names ingest emits (CloudWatch, as embedded metric format lines: {@link createEmfMetrics}). */
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

export type IngestMetricName = (typeof INGEST_METRIC)[keyof typeof INGEST_METRIC];

/**
 * Counting, with per-metric dimensions. A port so the package does not depend on how metrics are shipped.
 *
 * @example
 * metrics.count(INGEST_METRIC.requests, { source: 'okta', outcome: 'accepted' });
 */
export interface IngestMetrics {
  count(name: IngestMetricName, dimensions: Readonly<Record<string, string>>, value?: number): void;
}

/** Metrics that go nowhere. */
export const noopMetrics: IngestMetrics = { count() {} };

export interface MemoryMetrics extends IngestMetrics {
  readonly records: ReadonlyArray<{
    name: IngestMetricName;
    dimensions: Readonly<Record<string, string>>;
    value: number;
  }>;
  /** Sum of a metric over the records whose dimensions include `match`. */
  total(name: IngestMetricName, match?: Readonly<Record<string, string>>): number;
}

/**
 * Metrics kept in memory: tests assert on them, the local stack can show them.
 *
 * @example
 * const metrics = createMemoryMetrics();
 * metrics.total('CommandsQueued', { source: 'hr' });
 */
export function createMemoryMetrics(): MemoryMetrics {
  const records: { name: IngestMetricName; dimensions: Readonly<Record<string, string>>; value: number }[] = [];
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
