import type { Metrics } from '@idp-sync/common';

/**
 * Where the worker's metrics go: counts (the common {@link Metrics} port), durations, and a publish at the end of a
 * batch. In the Lambda it is a Powertools `Metrics` behind `powertoolsWorkerMetrics`.
 *
 * @example
 * const metrics: WorkerMetrics = powertoolsWorkerMetrics(createWorkerMetrics());
 */
export interface WorkerMetrics extends Metrics {
  /** A duration in milliseconds (`EndToEndDelay`). */
  timing(name: string, milliseconds: number): void;
  /** Writes what was added since the last publish (the Lambda leaves it to the Powertools middleware). */
  publish(): void;
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
  /** Creates left in the queue for `ROLE_SETTLE_SECONDS` so that memberships sent after them choose the role. */
  createsDeferred: 'CreatesDeferred',
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
  /** Deletes the deletion guard held (not applied; stored for a person). Alarmed: one is enough. */
  deletesHeld: 'DeletesHeld',
  /** 1 in the batch that tripped the deletion guard. */
  deletionGuardTripped: 'DeletionGuardTripped',
  /** Deletes a person approved that passed the guard. */
  approvedDeletesPassed: 'ApprovedDeletesPassed',
  /** Re-sent deletes a person had discarded: acknowledged, not applied. */
  discardedDeletesDropped: 'DiscardedDeletesDropped',
  /** Deactivations that started a grace period (by `source`): the delete waits, the person keeps access meanwhile. */
  deletesScheduled: 'DeletesScheduled',
  /** Scheduled deletes cancelled because the person came back within the grace period. */
  scheduledDeletesCancelled: 'ScheduledDeletesCancelled',
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

  /** Every total without dimensions, then the timings, then the dimensioned counts. */
  flushTo(sink: WorkerMetrics): void {
    for (const [name, value] of Object.entries(this.counts)) sink.count(name, {}, value);
    // Powertools keeps at most 100 values per metric name per document; a batch has at most 10 records.
    for (const t of this.#timings) sink.timing(t.name, t.value);
    for (const entry of this.#dimensioned.values()) sink.count(entry.name, entry.dimensions, entry.value);
  }
}

/**
 * Worker metrics that go nowhere: the default where none are given.
 *
 * @example
 * createWorker({ config, usersClient, sqsClient, dynamoClient, metrics: noopWorkerMetrics });
 */
export const noopWorkerMetrics: WorkerMetrics = {
  count: () => undefined,
  timing: () => undefined,
  publish: () => undefined,
};
