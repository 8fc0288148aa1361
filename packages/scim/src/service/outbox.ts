import type { Logger, Metrics } from '@idp-sync/common';
import { describeError, ScimStoreConflictError } from '../errors';
import type { ScimServiceConfig } from './config';
import { SCIM_METRICS } from './constants';
import type { CommandQueue, ScimUserRecord, ScimUserStore } from './ports';
import { withTimeout } from './timeout';

export interface ScimOutboxDependencies {
  readonly store: ScimUserStore;
  readonly queue: CommandQueue;
  readonly config: ScimServiceConfig;
  readonly logger: Logger;
  readonly metrics: Metrics;
}

/** Reads deliver a leftover outbox only within this budget: they must stay fast. */
const READ_DELIVERY_BUDGET_MS = 1000;

/**
 * Delivery of a user's outbox (the commands written with its state) to the queue, within a time budget, and the
 * bookkeeping that follows: clearing a delivered outbox, finishing a delivered delete.
 *
 * @example
 * const outbox = createScimOutbox({ store, queue, config, logger, metrics });
 * if (!(await outbox.deliver(record))) throw unavailable();
 */
export function createScimOutbox(deps: ScimOutboxDependencies) {
  const { store, queue, config, logger, metrics } = deps;
  const count = (name: string, value = 1) => metrics.count(name, {}, value);

  /** Sends the outbox; false (logged, counted) when the queue refuses or is too slow. */
  async function deliver(record: ScimUserRecord, budgetMs = config.queueTimeoutMs): Promise<boolean> {
    if (record.outbox.length === 0) return true;
    try {
      await withTimeout(() => queue.send([...record.outbox]), budgetMs, 'the provisioning queue');
      count(SCIM_METRICS.commandQueued, record.outbox.length);
      return true;
    } catch (error) {
      count(SCIM_METRICS.queueFailed);
      logger.error('SCIM commands could not be queued', {
        scimId: record.id,
        commands: record.outbox.map((command) => command.id),
        error: describeError(error),
      });
      return false;
    }
  }

  /** Delivers a live user's leftover outbox (best effort, for reads). Returns the user as it now stands. */
  async function settle(record: ScimUserRecord): Promise<ScimUserRecord | null> {
    if (record.outbox.length === 0 || record.state === 'pending-create') return record;
    if (!(await deliver(record, Math.min(config.queueTimeoutMs, READ_DELIVERY_BUDGET_MS)))) return record;
    count(SCIM_METRICS.outboxDelivered);
    if (record.state === 'pending-delete') {
      await finishRemoval(record).catch((error) => logStoreFailure('finishing a pending delete', record.id, error));
      return null;
    }
    const cleared: ScimUserRecord = { ...record, outbox: [], version: record.version + 1 };
    try {
      await store.put(cleared, record.version);
      return cleared;
    } catch (error) {
      if (!(error instanceof ScimStoreConflictError)) logStoreFailure('clearing a delivered outbox', record.id, error);
      return record;
    }
  }

  async function finishRemoval(record: ScimUserRecord): Promise<void> {
    await store.delete(record.id, record.version);
    await store.deletePointers(record.id, record.pointerKeys);
    await store.releaseUserName(record.userName, record.id);
  }

  function logStoreFailure(what: string, scimId: string, error: unknown): void {
    logger.warn(`SCIM store cleanup failed while ${what}`, { scimId, error: describeError(error) });
  }

  return { deliver, settle, finishRemoval, logStoreFailure };
}

export type ScimOutbox = ReturnType<typeof createScimOutbox>;
