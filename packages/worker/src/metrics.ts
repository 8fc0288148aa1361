/** Units the worker emits. */
export type WorkerMetricUnit = 'Count' | 'Milliseconds';

/** Where metrics go; a Powertools `Metrics` instance fits. */
export interface MetricsSink {
  addMetric(name: string, unit: WorkerMetricUnit, value: number): unknown;
  addDimensions(dimensions: Record<string, string>): unknown;
  /** A metric published on its own, with its own dimensions (Powertools: published at once on `addMetric`). */
  singleMetric(): Pick<MetricsSink, 'addMetric' | 'addDimensions'>;
  publishStoredMetrics(): unknown;
}

/**
 * The names of the worker's metrics (namespace and service come from Powertools' environment).
 *
 * @example
 * report.counts[WORKER_METRICS.deadLettered] // records sent to the DLQ in a batch
 */
export const WORKER_METRICS = {
  batchSize: 'BatchSize',
  applied: 'CommandsApplied',
  noop: 'CommandsNoop',
  duplicate: 'DuplicatesSkipped',
  stale: 'StaleSkipped',
  /** Stale deletes (also in `StaleSkipped`): a leave not applied, so the person may keep access. Alarmed. */
  staleDelete: 'StaleDeleteSkipped',
  /** Commands whose `occurredAt` the worker capped (queued before ingest capped it). */
  occurredAtCapped: 'OccurredAtCapped',
  unsupported: 'UnsupportedAttributes',
  deadLettered: 'SentToDlq',
  retried: 'RetriesScheduled',
  blocked: 'RecordsBlocked',
  dlqSendFailed: 'DlqSendFailures',
  usersApiCalls: 'UsersApiCalls',
  usersApiRateLimited: 'UsersApiRateLimited',
  bulkDeletes: 'BulkDeleteCalls',
  endToEndDelay: 'EndToEndDelay',
  /** Commands applied to the account of the email a person was provisioned with, not the changed one they named. */
  emailChangesFollowed: 'EmailChangesFollowed',
  /** Joins under a new address of a person whose account was deleted: their stable id's link moved there. */
  identityLinksMoved: 'IdentityLinksMoved',
  /** Commands whose address another id of the same source holds: applied without a link. */
  identityLinksRefused: 'IdentityLinksRefused',
} as const;

/**
 * Per-batch counters, flushed once at the end of the batch (one EMF document instead of one per record). Counts
 * with a dimension (`action`, `errorClass`) go out as single metrics. `counts` is also the batch report's summary.
 *
 * @example
 * const tally = new MetricsTally();
 * tally.count(WORKER_METRICS.applied, 1, { action: 'create' });
 * tally.flushTo(metrics);
 */
export class MetricsTally {
  readonly counts: Record<string, number> = {};
  readonly #dimensioned = new Map<string, { name: string; dimensions: Record<string, string>; value: number }>();
  readonly #timings: Array<{ name: string; value: number }> = [];

  count(name: string, value = 1, dimensions?: Record<string, string>): void {
    this.counts[name] = (this.counts[name] ?? 0) + value;
    if (dimensions === undefined) return;
    const key = `${name}|${JSON.stringify(dimensions)}`;
    const entry = this.#dimensioned.get(key) ?? { name, dimensions, value: 0 };
    entry.value += value;
    this.#dimensioned.set(key, entry);
  }

  timing(name: string, ms: number): void {
    this.#timings.push({ name, value: Math.max(0, Math.round(ms)) });
  }

  flushTo(sink: MetricsSink): void {
    for (const [name, value] of Object.entries(this.counts)) sink.addMetric(name, 'Count', value);
    // Powertools keeps at most 100 values per metric name per document; a batch has at most 10 records.
    for (const t of this.#timings) sink.addMetric(t.name, 'Milliseconds', t.value);
    for (const entry of this.#dimensioned.values()) {
      const single = sink.singleMetric();
      single.addDimensions(entry.dimensions);
      single.addMetric(entry.name, 'Count', entry.value);
    }
  }
}

/**
 * A sink that drops everything.
 *
 * @example
 * createWorker({ config, usersClient, sqsClient, dynamoClient, metrics: noopWorkerMetrics });
 */
export const noopWorkerMetrics: MetricsSink = {
  addMetric: () => undefined,
  addDimensions: () => undefined,
  singleMetric: () => ({ addMetric: () => undefined, addDimensions: () => undefined }),
  publishStoredMetrics: () => undefined,
};
