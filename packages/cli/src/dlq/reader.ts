import {
  DeleteMessageBatchCommand,
  type Message,
  type MessageAttributeValue,
  SendMessageBatchCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import {
  DLQ_ATTRIBUTES,
  type DlqOrigin,
  dlqMessageGroupId,
  formatDlqOrigin,
  parseDlqOrigin,
  regroupDeduplicationId,
} from '@idp-sync/contracts';
import { sendBatches } from './batches';
import { toDlqEntry } from './message';
import { queueDepth, receiveBatch } from './sqs';
import type { DlqEntry } from './types';
import { VisibilityHold } from './visibility';

/** How long a read hides each DLQ message (seconds): long enough to read on, short enough not to matter. */
export const READ_VISIBILITY_SECONDS = 5;
/** SQS allows ten message attributes on a message. */
const MAX_ATTRIBUTES = 10;

export interface ScanOptions {
  /** Long-poll wait of each receive (see IDP_SYNC_RECEIVE_WAIT_SECONDS). */
  waitTimeSeconds: number;
  visibilityTimeoutSeconds?: number;
  /** Stop as soon as an entry satisfies this (used by `show`). */
  stopWhen?: (entry: DlqEntry) => boolean;
  signal?: AbortSignal;
}

export interface ScanResult {
  /** Every message read, in the order SQS handed them out. */
  entries: DlqEntry[];
  /** ApproximateNumberOfMessages + NotVisible before the scan. */
  approximateTotal: number;
  /**
   * Messages the scan could not reach: behind a message in the same group that could not be re-grouped (or in
   * flight elsewhere, e.g. a replay running). They are still in the DLQ.
   */
  unreachable: number;
  /** Messages whose release failed: they become visible again by themselves within the visibility timeout. */
  notReleased: number;
  /** Messages moved by SQS redrive (or by an older worker) that this read re-grouped so they could be listed. */
  regrouped: number;
  /** Re-groupings that failed (the message stays as it was; those behind it stay hidden). */
  regroupFailed: number;
}

export interface ReadResult {
  entries: DlqEntry[];
  regrouped: number;
  regroupFailed: number;
}

/**
 * Reads the DLQ without consuming it: receives repeatedly with a SHORT visibility timeout, keeps what it has read
 * invisible (refreshing it) only while it reads on, de-duplicates by MessageId, stops when a receive returns nothing,
 * and finally releases everything at once (ChangeMessageVisibility 0).
 *
 * The worker puts each DLQ message in a group of its own, so every message can be read at once. A message still in
 * a person's group (SQS redrive after a crashed worker, or an older worker) hides that person's later messages while
 * it is read: it is re-grouped ({@link readDlq}), which is the one change a read makes.
 *
 * @example
 * const { entries, unreachable } = await scanDlq(client, dlqUrl, { waitTimeSeconds: 1 });
 */
export async function scanDlq(client: SQSClient, dlqUrl: string, options: ScanOptions): Promise<ScanResult> {
  const visibility = options.visibilityTimeoutSeconds ?? READ_VISIBILITY_SECONDS;
  const depth = await queueDepth(client, dlqUrl);
  const hold = new VisibilityHold(client, dlqUrl, visibility);
  let read: ReadResult = { entries: [], regrouped: 0, regroupFailed: 0 };
  let notReleased = 0;
  try {
    read = await readDlq(client, dlqUrl, hold, { ...options, visibilityTimeoutSeconds: visibility });
  } finally {
    notReleased = await hold.releaseAll();
  }
  return {
    ...read,
    approximateTotal: depth.total,
    unreachable: Math.max(0, depth.total - read.entries.length),
    notReleased,
  };
}

/**
 * Receives every message the DLQ hands out, keeping each one held in `hold` (the caller releases them), and
 * re-groups the messages that still sit in a person's group: a copy goes to the DLQ in a group of its own with an
 * `origin` attribute (the person's group, its SequenceNumber in the DLQ, its message id, when it reached the DLQ),
 * then the original is deleted, which lets SQS hand out the person's next message. The copy's deduplication id is
 * derived from the original's message id, so a re-grouping retried within SQS's 5-minute window is not duplicated.
 * The copy keeps the body and the attributes (`originalMessageId` moves into `origin`), so nothing is lost.
 *
 * @example
 * const { entries } = await readDlq(client, dlqUrl, hold, { waitTimeSeconds: 0, visibilityTimeoutSeconds: 30 });
 */
export async function readDlq(
  client: SQSClient,
  dlqUrl: string,
  hold: VisibilityHold,
  options: ScanOptions & { visibilityTimeoutSeconds: number },
): Promise<ReadResult> {
  const seen = new Map<string, DlqEntry>();
  /** Messages re-grouped: their copy stands for them (a failed delete must not list the same command twice). */
  const replaced = new Set<string>();
  let regrouped = 0;
  let regroupFailed = 0;
  // A receive that brings only already-seen messages means some came back (a refresh failed); a few in a row
  // means nothing new is coming.
  let roundsWithoutNew = 0;
  while (!options.signal?.aborted && roundsWithoutNew < 3) {
    await hold.refresh();
    const batch = await receiveBatch(client, dlqUrl, {
      visibilityTimeoutSeconds: options.visibilityTimeoutSeconds,
      waitTimeSeconds: options.waitTimeSeconds,
    });
    if (batch.length === 0) break;
    let fresh = 0;
    let found = false;
    const toRegroup: Array<{ message: Message; entry: DlqEntry; origin: DlqOrigin }> = [];
    for (const message of batch) {
      if (!message.MessageId || !message.ReceiptHandle) continue;
      hold.add(message.MessageId, message.ReceiptHandle);
      if (seen.has(message.MessageId) || replaced.has(message.MessageId)) continue;
      fresh++;
      const entry = toDlqEntry(message);
      const origin = regroupOrigin(entry);
      if (origin) {
        toRegroup.push({ message, entry, origin });
        continue;
      }
      seen.set(entry.messageId, entry);
      if (options.stopWhen?.(entry)) found = true;
    }
    if (toRegroup.length > 0) {
      const outcome = await regroupMessages(client, dlqUrl, hold, toRegroup);
      regrouped += outcome.regrouped.length;
      regroupFailed += outcome.failed.length;
      for (const id of outcome.regrouped) replaced.add(id);
      // A message that could not be re-grouped is still listed, as it is.
      for (const { entry } of toRegroup) {
        if (outcome.failed.includes(entry.messageId)) {
          seen.set(entry.messageId, entry);
          if (options.stopWhen?.(entry)) found = true;
        }
      }
    }
    if (found) break;
    roundsWithoutNew = fresh === 0 ? roundsWithoutNew + 1 : 0;
  }
  return { entries: [...seen.values()], regrouped, regroupFailed };
}

/**
 * The origin a re-grouped copy of this message gets, or `undefined` when it needs no re-grouping: it already has an
 * origin, or it sits in a DLQ group of its own (`dlq:…`), or the DLQ is not FIFO. `undefined` too when the message's
 * own fields would not make a valid origin (then it is listed as it is: re-grouping it again and again is no fix).
 */
function regroupOrigin(entry: DlqEntry): DlqOrigin | undefined {
  const own = entry.messageGroupId;
  if (entry.origin || own === undefined || own.startsWith('dlq:')) return undefined;
  const sent = Number(entry.systemAttributes.SentTimestamp);
  const sequence = entry.systemAttributes.SequenceNumber;
  const original = entry.messageAttributes.originalMessageId?.StringValue;
  const base: DlqOrigin = {
    queue: 'dlq',
    group: entry.groupId ?? own,
    ...(sequence !== undefined && /^\d{1,39}$/.test(sequence) ? { seq: sequence } : {}),
    messageId: entry.messageId,
    ...(Number.isFinite(sent) && sent > 0 ? { sentAt: new Date(sent).toISOString() } : {}),
  };
  const candidates = original === undefined ? [base] : [{ ...base, originalMessageId: original }, base];
  return candidates.find((c) => parseDlqOrigin(formatDlqOrigin(c)) !== undefined);
}

/** The attributes of a re-grouped copy: its own (worker's first), `originalMessageId` folded into `origin`. */
function regroupAttributes(entry: DlqEntry, origin: DlqOrigin): Record<string, MessageAttributeValue> {
  const worker = new Set<string>(DLQ_ATTRIBUTES);
  const own = Object.entries(entry.messageAttributes).filter(
    ([name]) => name !== 'origin' && name !== 'originalMessageId',
  );
  const kept = [...own.filter(([n]) => worker.has(n)), ...own.filter(([n]) => !worker.has(n))].slice(
    0,
    MAX_ATTRIBUTES - 1,
  );
  const attributes: Record<string, MessageAttributeValue> = {};
  for (const [name, value] of kept) {
    attributes[name] = {
      DataType: value.DataType,
      ...(value.StringValue === undefined ? {} : { StringValue: value.StringValue }),
      ...(value.BinaryValue === undefined ? {} : { BinaryValue: value.BinaryValue }),
    };
  }
  attributes.origin = { DataType: 'String', StringValue: formatDlqOrigin(origin) };
  return attributes;
}

async function regroupMessages(
  client: SQSClient,
  dlqUrl: string,
  hold: VisibilityHold,
  items: Array<{ message: Message; entry: DlqEntry; origin: DlqOrigin }>,
): Promise<{ regrouped: string[]; failed: string[] }> {
  const regrouped: string[] = [];
  const failed: string[] = [];
  // One group's messages come one per receive (FIFO), so no batch holds two of a group: order cannot suffer.
  for (const part of sendBatches(items, (i) => i.entry.body)) {
    const byId = new Map(part.map((item, n) => [`r${n}`, item]));
    const sent = await client.send(
      new SendMessageBatchCommand({
        QueueUrl: dlqUrl,
        Entries: [...byId].map(([Id, { entry, origin }]) => {
          const dedup = regroupDeduplicationId(entry.messageId);
          return {
            Id,
            MessageBody: entry.body,
            MessageGroupId: dlqMessageGroupId(dedup),
            MessageDeduplicationId: dedup,
            MessageAttributes: regroupAttributes(entry, origin),
          };
        }),
      }),
    );
    for (const f of sent.Failed ?? []) {
      const item = byId.get(f.Id ?? '');
      if (item) failed.push(item.entry.messageId);
    }
    const copied = (sent.Successful ?? []).flatMap((ok) => {
      const item = byId.get(ok.Id ?? '');
      return item ? [item] : [];
    });
    if (copied.length === 0) continue;
    // The copy exists: delete the original. Should that fail, the original is still held (and released at the
    // end): a later read re-groups it again, which SQS deduplicates within 5 minutes.
    const deleted = await client.send(
      new DeleteMessageBatchCommand({
        QueueUrl: dlqUrl,
        Entries: copied.map(({ message }, n) => ({ Id: `d${n}`, ReceiptHandle: message.ReceiptHandle })),
      }),
    );
    for (const ok of deleted.Successful ?? []) {
      const item = copied[Number((ok.Id ?? '').slice(1))];
      if (item) hold.forget(item.entry.messageId);
    }
    for (const item of copied) regrouped.push(item.entry.messageId);
  }
  return { regrouped, failed };
}
