import { createHash, randomUUID } from 'node:crypto';
import {
  DeleteMessageBatchCommand,
  type Message,
  type MessageAttributeValue,
  SendMessageBatchCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { REPLAY_ATTRIBUTE_NAMES, toDlqEntry, WORKER_ATTRIBUTE_NAMES } from './message';
import { abortableSleep, ReplayPacer } from './replay-pacer';
import { receiveBatch } from './sqs';
import type { DlqEntry } from './types';
import { VisibilityHold } from './visibility';

/** How long a replay hides each DLQ message it received (seconds); held messages are refreshed while it runs. */
export const REPLAY_VISIBILITY_SECONDS = 30;
/** Receive → send → delete loops running at once. FIFO group locking keeps each person on one loop at a time. */
export const DEFAULT_REPLAY_CONCURRENCY = 8;
/** SQS caps a message at 10 message attributes; a replay adds its own three. */
const MAX_ATTRIBUTES = 10;

export interface ReplayOptions {
  dlqUrl: string;
  /** The work queue the messages go back to. */
  queueUrl: string;
  /** Which messages to replay (the `list` filters). */
  select: (entry: DlqEntry) => boolean;
  /** Replay at most this many messages. */
  max?: number;
  /** At most this many messages per second (average). */
  ratePerSecond?: number;
  concurrency?: number;
  visibilityTimeoutSeconds?: number;
  /** Long-poll wait of each receive (see IDP_SYNC_RECEIVE_WAIT_SECONDS). */
  waitTimeSeconds: number;
  /** Abort to stop after the messages in flight: they are sent and deleted, the rest is released. */
  signal?: AbortSignal;
  onProgress?: (progress: ReplayProgress) => void;
}

export interface ReplayProgress {
  /** Sent back to the work queue. */
  moved: number;
  /** Read but not replayed: not selected, or queued behind a message of the same person that is not replayed. */
  skipped: number;
  /** Could not be sent; still in the DLQ. */
  failed: number;
  /**
   * Selected, but held back behind an earlier message of the same person that is not replayed (not selected, or
   * failed), so as not to overtake it; still in the DLQ. Also counted in `skipped`.
   */
  heldBack: number;
  /**
   * Commands this run moved that failed again and came back to the DLQ during the run: not moved a second time (a
   * permanent failure would otherwise go round and round); still in the DLQ. Also counted in `skipped`.
   */
  returned: number;
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
  elapsedMs: number;
}

/**
 * Moves selected messages from the DLQ back to the work queue: receive → send (same body, same MessageGroupId, a
 * fresh MessageDeduplicationId, `replayedFrom`/`replayCount`/`replayedAt` attributes) → delete, deleting a message
 * only after its send succeeded. A crash between send and delete leaves a duplicate (absorbed by idempotency on the
 * command id), never a loss.
 *
 * Order: a FIFO queue hands out a person's next message only after the previous one is deleted, and a person's
 * messages are sent in the order they were received, so a person's commands keep their order. A message that is not
 * replayed (not selected, or failed) holds back the person's later messages, which are skipped, not reordered.
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
  // Below 10/s, receive fewer at a time so the rate is smooth rather than a burst of 10 every few seconds.
  const maxMessages = options.ratePerSecond ? Math.min(10, Math.max(1, Math.floor(options.ratePerSecond))) : 10;

  const counts: ReplayProgress = { moved: 0, skipped: 0, failed: 0, heldBack: 0, returned: 0 };
  /**
   * What this run moved, by command id (or body, for a body that is no command): the same command back in the DLQ
   * failed again and is not moved twice. Not by SentTimestamp: that is the SQS server's clock, and a message put in
   * the same millisecond the run started, or a laptop clock behind AWS's, would make waiting messages look new.
   */
  const movedKeys = new Set<string>();
  const replayKey = (entry: DlqEntry): string =>
    entry.commandId ?? `body:${createHash('sha256').update(entry.body).digest('hex')}`;
  const cameBack = (entry: DlqEntry): boolean => movedKeys.has(replayKey(entry));
  const failures: ReplayFailure[] = [];
  let claimed = 0;
  /** Loops processing a batch (not those waiting on a receive): only a batch being processed can delete. */
  let processing = 0;
  let deletes = 0;
  let maxReached = false;
  let fatal: unknown;
  let releaseFailures = 0;
  /** Sent but not (yet) deleted: seen again, such a message is only deleted, never sent twice by this run. */
  const sentNotDeleted = new Set<string>();
  const skippedIds = new Set<string>();
  /** Groups with a message this run does not replay: their later messages must not overtake it. */
  const blockedGroups = new Set<string>();

  const stopped = () => signal?.aborted === true || maxReached || fatal !== undefined;
  const report = () => options.onProgress?.({ ...counts });

  const skip = (entry: DlqEntry) => {
    counts.skipped++;
    skippedIds.add(entry.messageId);
    hold.add(entry.messageId, entry.receiptHandle);
    if (entry.groupId) blockedGroups.add(entry.groupId);
  };
  const fail = (entry: DlqEntry, error: string) => {
    counts.failed++;
    failures.push({ messageId: entry.messageId, commandId: entry.commandId, error });
    skippedIds.add(entry.messageId);
    hold.add(entry.messageId, entry.receiptHandle);
    if (entry.groupId) blockedGroups.add(entry.groupId);
  };

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
      deletes++;
    }
    // Sent but still in the DLQ: keep it hidden for the rest of the run rather than reading it again and again; it is
    // released at the end, and a later replay sends it again (a duplicate the worker's idempotency absorbs).
    for (const failed of out.Failed ?? []) {
      const entry = byId.get(failed.Id ?? '');
      if (entry) hold.add(entry.messageId, entry.receiptHandle);
    }
  }

  async function sendRound(round: DlqEntry[]): Promise<DlqEntry[]> {
    const byId = new Map(round.map((e, i) => [`s${i}`, e]));
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
      if (entry) fail(entry, `${f.Code ?? 'SendFailed'}: ${f.Message ?? 'the queue refused the message'}`);
    }
    const sent: DlqEntry[] = [];
    for (const ok of out.Successful ?? []) {
      const entry = byId.get(ok.Id ?? '');
      if (!entry) continue;
      sentNotDeleted.add(entry.messageId);
      movedKeys.add(replayKey(entry));
      counts.moved++;
      sent.push(entry);
    }
    return sent;
  }

  async function processBatch(batch: Message[]): Promise<void> {
    const selected: DlqEntry[] = [];
    const toRelease: DlqEntry[] = [];
    const deleteOnly: DlqEntry[] = [];
    for (const message of batch) {
      if (!message.MessageId || !message.ReceiptHandle) continue;
      const entry = toDlqEntry(message);
      if (sentNotDeleted.has(entry.messageId)) deleteOnly.push(entry);
      else if (skippedIds.has(entry.messageId)) hold.add(entry.messageId, entry.receiptHandle);
      else if (stopped()) toRelease.push(entry);
      else if (entry.groupId && blockedGroups.has(entry.groupId)) {
        if (options.select(entry)) counts.heldBack++;
        skip(entry);
      } else if (cameBack(entry)) {
        counts.returned++;
        skip(entry);
      } else if (!options.select(entry)) skip(entry);
      else if (options.max !== undefined && claimed >= options.max) {
        maxReached = true;
        toRelease.push(entry);
      } else if (!entry.groupId) fail(entry, 'the message has no MessageGroupId (is the DLQ a FIFO queue?)');
      else {
        claimed++;
        selected.push(entry);
      }
    }
    // Selected but not sent yet: released at the end if the batch stops early (Ctrl-C, an error).
    const unsent = new Set(selected);
    try {
      await deleteEntries(deleteOnly);
      for (const rawRound of toRounds(selected)) {
        const round: DlqEntry[] = [];
        for (const entry of rawRound) {
          // An earlier message of this person failed in this batch: this one must not overtake it.
          if (blockedGroups.has(entry.groupId!)) {
            unsent.delete(entry);
            claimed--;
            counts.heldBack++;
            skip(entry);
          } else round.push(entry);
        }
        if (round.length === 0) continue;
        if (pacer) await pacer.take(round.length, signal);
        if (signal?.aborted) break;
        // A round holds one message per person, so splitting it by size cannot reorder anyone.
        for (const part of splitBySize(round)) {
          const sent = await sendRound(part);
          for (const entry of part) unsent.delete(entry);
          report();
          await deleteEntries(sent);
        }
      }
    } finally {
      claimed -= unsent.size;
      releaseFailures += await hold.release([...toRelease, ...unsent]);
      report();
    }
  }

  async function loop(): Promise<void> {
    while (!stopped()) {
      const deletesBefore = deletes;
      let batch: Message[];
      try {
        await hold.refresh();
        batch = await receiveBatch(client, options.dlqUrl, {
          visibilityTimeoutSeconds: visibility,
          waitTimeSeconds: options.waitTimeSeconds,
          maxMessages,
        });
      } catch (error) {
        fatal ??= error;
        return;
      }
      if (batch.length === 0) {
        // Done when no loop is processing a batch and no delete during this receive can have unlocked a person's
        // next message; otherwise look again. Loops merely waiting on a receive do not count: with a long poll one
        // of them always is, and counting them kept every replay running until interrupted.
        if (processing === 0 && deletes === deletesBefore) return;
        if (options.waitTimeSeconds === 0) await abortableSleep(20, signal);
        continue;
      }
      processing++;
      try {
        await processBatch(batch);
      } catch (error) {
        fatal ??= error;
      } finally {
        processing--;
      }
    }
  }

  let notReleased = 0;
  try {
    const loops = Math.max(1, options.concurrency ?? DEFAULT_REPLAY_CONCURRENCY);
    await Promise.all(Array.from({ length: loops }, () => loop()));
  } finally {
    notReleased = releaseFailures + (await hold.releaseAll());
  }
  if (fatal !== undefined) throw new ReplayAbortedError(fatal, { ...counts }, sentNotDeleted.size);
  return {
    ...counts,
    interrupted: signal?.aborted === true,
    maxReached,
    failures,
    leftInDlqAfterSend: sentNotDeleted.size,
    notReleased,
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

/** SendMessageBatch refuses a batch whose messages add up to more than 256 KiB. */
const MAX_BATCH_BYTES = 256 * 1024;

/** Splits entries into batches under the size limit (a message alone over it still goes alone, as SQS decides). */
function splitBySize(entries: DlqEntry[]): DlqEntry[][] {
  const parts: DlqEntry[][] = [];
  let current: DlqEntry[] = [];
  let bytes = 0;
  for (const e of entries) {
    // The body plus a generous allowance for the attributes (names, types, values) a replay sends.
    const size = Buffer.byteLength(e.body) + 1024;
    if (current.length > 0 && bytes + size > MAX_BATCH_BYTES) {
      parts.push(current);
      current = [];
      bytes = 0;
    }
    current.push(e);
    bytes += size;
  }
  if (current.length > 0) parts.push(current);
  return parts;
}

/** Splits a batch into rounds: round k holds the k-th message of each group, so a group's messages go in order. */
function toRounds(entries: DlqEntry[]): DlqEntry[][] {
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
