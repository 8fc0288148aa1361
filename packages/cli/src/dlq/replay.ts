import { createHash, randomUUID } from 'node:crypto';
import {
  DeleteMessageBatchCommand,
  type MessageAttributeValue,
  SendMessageBatchCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { sendBatches } from './batches';
import { REPLAY_ATTRIBUTE_NAMES, WORKER_ATTRIBUTE_NAMES } from './message';
import { planReplay, type ReplayPlan } from './plan';
import { readDlq } from './reader';
import { ReplayPacer } from './replay-pacer';
import type { DlqEntry } from './types';
import { VisibilityHold } from './visibility';

/** How long a replay hides each DLQ message it received (seconds); held messages are refreshed while it runs. */
export const REPLAY_VISIBILITY_SECONDS = 30;
/** SendMessageBatch calls in flight at once within a round (each round holds one message per person). */
export const DEFAULT_REPLAY_CONCURRENCY = 8;
/** SQS caps a message at 10 message attributes; a replay adds its own three. */
const MAX_ATTRIBUTES = 10;

export interface ReplayOptions {
  dlqUrl: string;
  /** The work queue the messages go back to. */
  queueUrl: string;
  /** Which messages to replay (the `list` filters). */
  select: (entry: DlqEntry) => boolean;
  /** Replay permanent failures too (`--include-permanent`); by default they stay in the DLQ. */
  includePermanent?: boolean;
  /** Replay at most this many messages. */
  max?: number;
  /** At most this many messages per second (average). */
  ratePerSecond?: number;
  /** SendMessageBatch calls (of up to ten messages, each of another person) in flight at once. */
  concurrency?: number;
  visibilityTimeoutSeconds?: number;
  /** Long-poll wait of each receive (see IDP_SYNC_RECEIVE_WAIT_SECONDS). */
  waitTimeSeconds: number;
  /** Abort to stop after the messages in flight: they are sent and deleted, the rest is released. */
  signal?: AbortSignal;
  /** Called once the DLQ was read and the replay knows what it will move (before it moves anything). */
  onPlan?: (plan: ReplayPlan) => void;
  onProgress?: (progress: ReplayProgress) => void;
}

export interface ReplayProgress {
  /** Sent back to the work queue. */
  moved: number;
  /** Read but not replayed: not selected, permanent, beyond --max, or held back (failures are `failed`). */
  skipped: number;
  /** Could not be sent; still in the DLQ. */
  failed: number;
  /**
   * Selected, but held back behind an earlier message of the same person that is not replayed (not selected, a
   * permanent failure, or failed), so as not to overtake it; still in the DLQ. Also counted in `skipped`.
   */
  heldBack: number;
  /** Selected by the filters but permanent failures, left without `includePermanent`. Also counted in `skipped`. */
  permanent: number;
}

export interface ReplayFailure {
  messageId: string;
  commandId: string | undefined;
  error: string;
}

export interface ReplayResult extends ReplayProgress {
  interrupted: boolean;
  /** `max` messages were moved and the replay stopped there. */
  maxReached: boolean;
  failures: ReplayFailure[];
  /**
   * Sent to the work queue but not deleted from the DLQ (the delete failed): they are still in the DLQ, and a later
   * replay sends them again, which the worker's idempotency (same command id) absorbs. Never a loss.
   */
  leftInDlqAfterSend: number;
  /** Held messages whose release failed: they become visible again by themselves within the visibility timeout. */
  notReleased: number;
  /** Messages moved by SQS redrive (or an older worker) re-grouped while reading (see `readDlq`). */
  regrouped: number;
  elapsedMs: number;
}

/**
 * Moves selected messages from the DLQ back to the work queue: read the whole DLQ (each message sits in a group of
 * its own, so all of it can be read; messages still in a person's group are re-grouped), plan (`planReplay`: each
 * person's messages in their original order, permanent failures left unless asked for), then send → delete: the same
 * body, the person's MessageGroupId (from `origin`), a fresh MessageDeduplicationId, `replayedFrom`/`replayCount`/
 * `replayedAt` attributes; a message is deleted from the DLQ only after its send succeeded. A crash between send and
 * delete leaves a duplicate (absorbed by idempotency on the command id), never a loss.
 *
 * Order: messages go in rounds, round k holding the k-th message of each person, and a round starts only once the
 * one before it was sent; the work queue (FIFO, same group) keeps them in that order. A message that fails to send
 * holds back the person's later messages, which stay, not reordered.
 *
 * Once per run: the replay moves what it read at the start; what comes back to the DLQ while it runs (a command
 * that fails again) stays there for the next `dlq list`.
 *
 * @example
 * const result = await replayMessages(client, { dlqUrl, queueUrl, select: () => true, waitTimeSeconds: 1 });
 */
export async function replayMessages(client: SQSClient, options: ReplayOptions): Promise<ReplayResult> {
  const started = Date.now();
  const signal = options.signal;
  const visibility = options.visibilityTimeoutSeconds ?? REPLAY_VISIBILITY_SECONDS;
  const hold = new VisibilityHold(client, options.dlqUrl, visibility);
  const pacer = options.ratePerSecond ? new ReplayPacer(options.ratePerSecond) : undefined;
  // Below 10/s, send fewer at a time so the rate is smooth rather than a burst of 10 every few seconds.
  const perCall = options.ratePerSecond ? Math.min(10, Math.max(1, Math.floor(options.ratePerSecond))) : 10;
  const concurrency = Math.max(1, options.concurrency ?? DEFAULT_REPLAY_CONCURRENCY);

  const counts: ReplayProgress = { moved: 0, skipped: 0, failed: 0, heldBack: 0, permanent: 0 };
  const failures: ReplayFailure[] = [];
  /** Sent but not (yet) deleted. */
  const sentNotDeleted = new Set<string>();
  /** People with a message this run does not replay (its send failed): their later messages must not overtake it. */
  const blockedGroups = new Set<string>();
  let maxReached = false;
  let regrouped = 0;
  let releaseFailures = 0;
  const report = () => options.onProgress?.({ ...counts });

  async function deleteEntries(entries: DlqEntry[]): Promise<void> {
    if (entries.length === 0) return;
    const byId = new Map(entries.map((e, i) => [`d${i}`, e]));
    const out = await client.send(
      new DeleteMessageBatchCommand({
        QueueUrl: options.dlqUrl,
        Entries: [...byId].map(([Id, e]) => ({ Id, ReceiptHandle: e.receiptHandle })),
      }),
    );
    for (const ok of out.Successful ?? []) {
      const entry = byId.get(ok.Id ?? '');
      if (!entry) continue;
      sentNotDeleted.delete(entry.messageId);
      hold.forget(entry.messageId);
    }
    // Sent but still in the DLQ: it stays held for the rest of the run and is released at the end; a later replay
    // sends it again (a duplicate the worker's idempotency absorbs).
  }

  /** Sends one batch (one message per person) and deletes what was sent. */
  async function sendAndDelete(part: DlqEntry[]): Promise<void> {
    const byId = new Map(part.map((e, i) => [`s${i}`, e]));
    const now = new Date();
    const out = await client.send(
      new SendMessageBatchCommand({
        QueueUrl: options.queueUrl,
        Entries: [...byId].map(([Id, e]) => ({
          Id,
          MessageBody: e.body,
          MessageGroupId: e.groupId,
          MessageDeduplicationId: replayDeduplicationId(e.messageId, now),
          MessageAttributes: replayAttributes(e, now),
        })),
      }),
    );
    for (const f of out.Failed ?? []) {
      const entry = byId.get(f.Id ?? '');
      if (!entry) continue;
      counts.failed++;
      failures.push({
        messageId: entry.messageId,
        commandId: entry.commandId,
        error: `${f.Code ?? 'SendFailed'}: ${f.Message ?? 'the queue refused the message'}`,
      });
      blockedGroups.add(entry.groupId!);
    }
    const sent: DlqEntry[] = [];
    for (const ok of out.Successful ?? []) {
      const entry = byId.get(ok.Id ?? '');
      if (!entry) continue;
      sentNotDeleted.add(entry.messageId);
      counts.moved++;
      sent.push(entry);
    }
    report();
    await deleteEntries(sent);
  }

  let notReleased = 0;
  let interrupted = false;
  try {
    let read: Awaited<ReturnType<typeof readDlq>>;
    try {
      read = await readDlq(client, options.dlqUrl, hold, {
        waitTimeSeconds: options.waitTimeSeconds,
        visibilityTimeoutSeconds: visibility,
        signal,
      });
    } catch (error) {
      throw new ReplayAbortedError(error, { ...counts }, 0);
    }
    regrouped = read.regrouped;
    // Without a group a message cannot go back to a FIFO work queue: it stays (and holds back nobody else).
    const groupless = read.entries.filter((e) => e.groupId === undefined && options.select(e));
    for (const entry of groupless) {
      counts.failed++;
      failures.push({
        messageId: entry.messageId,
        commandId: entry.commandId,
        error: 'the message names no person and has no MessageGroupId (is the DLQ a FIFO queue?)',
      });
    }
    const plan = planReplay(
      read.entries.filter((e) => e.groupId !== undefined),
      options.select,
      { max: options.max, includePermanent: options.includePermanent },
    );
    options.onPlan?.(plan);
    maxReached = plan.beyondMax.length > 0;
    counts.skipped = plan.skipped.length;
    counts.heldBack = plan.heldBack.length;
    counts.permanent = plan.permanent.length;
    report();
    // What stays is visible again at once, for the next `dlq list`.
    releaseFailures += await hold.release(plan.skipped);

    for (const round of toRounds(plan.selected)) {
      if (signal?.aborted) break;
      const ready: DlqEntry[] = [];
      for (const entry of round) {
        if (blockedGroups.has(entry.groupId!)) {
          counts.heldBack++;
          counts.skipped++;
        } else ready.push(entry);
      }
      // One message per person in a round: splitting it and sending the parts in parallel cannot reorder anyone.
      const parts = sendBatches(ready, (e) => e.body).flatMap((p) => chunk(p, perCall));
      let next = 0;
      let fatal: unknown;
      const worker = async () => {
        while (next < parts.length && !signal?.aborted && fatal === undefined) {
          const part = parts[next++]!;
          if (pacer) await pacer.take(part.length, signal);
          if (signal?.aborted) return;
          try {
            await sendAndDelete(part);
          } catch (error) {
            fatal ??= error;
          }
        }
      };
      await Promise.all(Array.from({ length: Math.min(concurrency, parts.length) }, () => worker()));
      if (fatal !== undefined) throw new ReplayAbortedError(fatal, { ...counts }, sentNotDeleted.size);
    }
    interrupted = signal?.aborted === true;
  } finally {
    notReleased = releaseFailures + (await hold.releaseAll());
  }
  return {
    ...counts,
    interrupted,
    maxReached,
    failures,
    leftInDlqAfterSend: sentNotDeleted.size,
    notReleased,
    regrouped,
    elapsedMs: Date.now() - started,
  };
}

/**
 * A replay stopped by an SQS error that concerns every message (the queue is gone, access denied, the network).
 * Carries the counts so far: what was moved stays moved.
 */
export class ReplayAbortedError extends Error {
  constructor(
    override readonly cause: unknown,
    readonly progress: ReplayProgress,
    readonly leftInDlqAfterSend: number,
  ) {
    super(cause instanceof Error ? cause.message : String(cause), { cause });
    this.name = 'ReplayAbortedError';
  }
}

/** Splits entries into rounds: round k holds the k-th message of each person, so a person's messages go in order. */
function toRounds(entries: readonly DlqEntry[]): DlqEntry[][] {
  const rounds: DlqEntry[][] = [];
  const perGroup = new Map<string, number>();
  for (const e of entries) {
    const k = perGroup.get(e.groupId!) ?? 0;
    perGroup.set(e.groupId!, k + 1);
    const round = rounds[k] ?? [];
    round.push(e);
    rounds[k] = round;
  }
  return rounds;
}

function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * A fresh deduplication id for a replayed message: the original send's id would be dropped by SQS if it fell within
 * the 5-minute deduplication window; a fresh one always goes through (idempotency on the command id does the rest).
 *
 * @example
 * replayDeduplicationId('9b2e…', new Date()) // 64 hex characters
 */
export function replayDeduplicationId(dlqMessageId: string, at: Date): string {
  return createHash('sha256').update(`replay:${dlqMessageId}:${at.toISOString()}:${randomUUID()}`).digest('hex');
}

/**
 * The attributes a replayed message carries: the original's own attributes (those SQS redrive carried along), minus
 * the worker's failure description, plus where it was replayed from and how many times.
 */
function replayAttributes(entry: DlqEntry, now: Date): Record<string, MessageAttributeValue> {
  const dropped = new Set<string>([...WORKER_ATTRIBUTE_NAMES, ...REPLAY_ATTRIBUTE_NAMES]);
  const kept = Object.entries(entry.messageAttributes)
    .filter(([name]) => !dropped.has(name))
    .slice(0, MAX_ATTRIBUTES - REPLAY_ATTRIBUTE_NAMES.length);
  const attributes: Record<string, MessageAttributeValue> = {};
  for (const [name, value] of kept) {
    attributes[name] = { DataType: value.DataType, StringValue: value.StringValue, BinaryValue: value.BinaryValue };
  }
  attributes.replayedFrom = { DataType: 'String', StringValue: entry.messageId };
  attributes.replayCount = { DataType: 'Number', StringValue: String(entry.replayCount + 1) };
  attributes.replayedAt = { DataType: 'String', StringValue: now.toISOString() };
  return attributes;
}
