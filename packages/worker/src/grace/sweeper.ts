import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import {
  type Logger,
  type Metrics,
  mapWithConcurrency,
  noopMetrics,
  redactEmailsIn,
  silentLogger,
} from '@idp-sync/common';
import { releasedDeleteDeduplicationId } from '@idp-sync/contracts';
import { type PendingDelete, PendingDeleteRepository } from './pending-deletes';

/** A release marked due whose send was not recorded (a crash, a failed send) is sent again after this long. */
export const RESEND_AFTER_MS = 5 * 60_000;

/** The sweeper's metric names. */
export const GRACE_SWEEPER_METRICS = {
  /** Scheduled deletes whose grace period ended, re-queued this sweep. */
  released: 'ScheduledDeletesReleased',
  /** Releases that could not be sent (tried again by a later sweep). Alarmed with the sweeper's errors. */
  sendFailed: 'ScheduledDeleteSendFailures',
  /** Deletes still waiting after the sweep. */
  waiting: 'ScheduledDeletesWaiting',
} as const;

/** What one sweep did. */
export interface SweepReport {
  /** Deletes whose grace period ended and that went back to the work queue. */
  released: number;
  /** Earlier releases whose send had not been recorded, sent again. */
  resent: number;
  /** Sends that failed (the next sweep tries them again). */
  failed: number;
  /** Deletes still waiting for their due time. */
  waiting: number;
  /** When the next one is due (RFC 3339), if any waits. */
  nextDueAt?: string;
}

export interface GraceSweeperOptions {
  dynamoClient: DynamoDBClient;
  sqsClient: SQSClient;
  /** The work queue: a due delete goes through it like any command (idempotency, order, deletion guard, DLQ). */
  queueUrl: string;
  tableName?: string;
  logger?: Logger;
  metrics?: Metrics;
  now?: () => Date;
}

/**
 * Releases the deletes whose grace period has ended: each is marked `due` (a conditional write, so two sweeps never
 * release one twice), then its original message goes back to the work queue under the person's FIFO group, behind
 * whatever that person has queued already. The worker applies it when it arrives unless the person came back first.
 * In AWS a scheduled Lambda runs it every minute; in the local stack a timer does.
 *
 * @example
 * const sweeper = createGraceSweeper({ dynamoClient, sqsClient, queueUrl });
 * const { released } = await sweeper.sweep();
 */
export function createGraceSweeper(options: GraceSweeperOptions): { sweep(): Promise<SweepReport> } {
  const now = options.now ?? (() => new Date());
  const logger = options.logger ?? silentLogger;
  const metrics = options.metrics ?? noopMetrics;
  const pending = new PendingDeleteRepository({
    client: options.dynamoClient,
    ...(options.tableName === undefined ? {} : { tableName: options.tableName }),
    now,
  });

  async function send(item: PendingDelete, release: number): Promise<boolean> {
    try {
      await options.sqsClient.send(
        new SendMessageCommand({
          QueueUrl: options.queueUrl,
          MessageBody: item.body,
          MessageGroupId: item.groupId,
          MessageDeduplicationId: releasedDeleteDeduplicationId(item.commandId, release),
        }),
      );
    } catch (error) {
      logger.error('could not re-queue a delete whose grace period ended; the next sweep tries again', {
        correlation_id: item.commandId,
        commandId: item.commandId,
        source: item.source,
        error: redactEmailsIn(String((error as Error)?.message)),
      });
      return false;
    }
    try {
      await pending.markSent(item, release);
    } catch (error) {
      // Sent: at worst a later sweep sends it once more, and the worker applies it once.
      logger.warn('a released delete was sent, but that could not be recorded', {
        correlation_id: item.commandId,
        error: redactEmailsIn(String((error as Error)?.message)),
      });
    }
    return true;
  }

  return {
    async sweep() {
      const items = await pending.list();
      const nowMs = now().getTime();
      const report: SweepReport = { released: 0, resent: 0, failed: 0, waiting: 0 };
      let nextDueMs: number | undefined;
      await mapWithConcurrency(items, 8, async (item) => {
        if (item.status === 'pending' && item.dueAtMs > nowMs) {
          report.waiting++;
          if (nextDueMs === undefined || item.dueAtMs < nextDueMs) nextDueMs = item.dueAtMs;
          return;
        }
        if (item.status === 'pending') {
          const release = await pending.markDue(item);
          if (release === undefined) return; // cancelled or released meanwhile
          if (await send(item, release)) {
            report.released++;
            logger.info('grace period ended: delete re-queued', {
              correlation_id: item.commandId,
              commandId: item.commandId,
              source: item.source,
              sourceEventType: item.sourceEventType,
              dueAt: new Date(item.dueAtMs).toISOString(),
              lateMs: nowMs - item.dueAtMs,
            });
          } else report.failed++;
          return;
        }
        if (
          item.status === 'due' &&
          item.sentAtMs === undefined &&
          nowMs - (item.releasedAtMs ?? 0) >= RESEND_AFTER_MS
        ) {
          if (await send(item, Math.max(1, item.release))) report.resent++;
          else report.failed++;
        }
      });
      if (report.released + report.resent > 0) {
        metrics.count(GRACE_SWEEPER_METRICS.released, {}, report.released + report.resent);
      }
      if (report.failed > 0) metrics.count(GRACE_SWEEPER_METRICS.sendFailed, {}, report.failed);
      metrics.count(GRACE_SWEEPER_METRICS.waiting, {}, report.waiting);
      if (nextDueMs !== undefined) report.nextDueAt = new Date(nextDueMs).toISOString();
      return report;
    },
  };
}
