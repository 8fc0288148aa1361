import { createHash } from 'node:crypto';
import { ownField, parseUntrustedJson } from '@idp-sync/common';

/**
 * The message attributes on a DLQ message (SQS allows ten on a message). The worker writes why it failed, how often
 * it was received, when it was first seen and when it failed, which command it was, and `origin` (the person's group
 * and the order of the message in the queue it came from). The CLI reads them (`dlq list`/`show`) and leaves them off
 * a message it replays; `replayCount` is set by the replay and carried over by the worker when a replayed message
 * fails again, so the count adds up across replays. `originalMessageId` is written by workers before `origin` (it
 * now sits inside `origin`), and is still read. The names are part of the queue contract: renaming one breaks
 * messages already in the DLQ.
 */
export const DLQ_ATTRIBUTES = [
  'errorClass',
  'httpStatus',
  'errorMessage',
  'retryable',
  'receiveCount',
  'firstSeenAt',
  'failedAt',
  'commandId',
  'originalMessageId',
  'replayCount',
  'origin',
] as const;

/** One of {@link DLQ_ATTRIBUTES}. */
export type DlqAttribute = (typeof DLQ_ATTRIBUTES)[number];

/**
 * Where a DLQ message came from, as the `origin` attribute (JSON) records it. Each DLQ message sits in a message
 * group of its own (so a read sees every message at once); `origin` says which person's group it belongs to and
 * where it stood in that group's order, so a replay sends a person's messages back in order and in their group.
 */
export interface DlqOrigin {
  /**
   * `work`: written by the worker; `seq` is the message's SequenceNumber in the work queue and `messageId` its work
   * queue message id. `dlq`: a message that sat in the DLQ in the person's group (moved by SQS redrive, or written
   * by a worker before `origin`) and was re-grouped by the CLI; `seq` and `messageId` are that DLQ message's.
   */
  readonly queue: 'work' | 'dlq';
  /** The person's MessageGroupId (the email, or `sha256:<hex>` for very long emails). */
  readonly group: string;
  /** The SequenceNumber (decimal digits; compare as big integers), when the queue gave one. */
  readonly seq?: string;
  readonly messageId: string;
  /** `dlq` only: when the re-grouped message reached the DLQ (RFC 3339). */
  readonly sentAt?: string;
  /** `dlq` only: the `originalMessageId` a re-grouped worker message carried. */
  readonly originalMessageId?: string;
}

/** An SQS MessageGroupId: 1–128 of its allowed characters (ASCII letters, digits, punctuation; no spaces). */
const GROUP_ID = /^[\x21-\x7e]{1,128}$/;
/** SQS sequence numbers are 128-bit: at most 39 decimal digits. */
const SEQUENCE = /^\d{1,39}$/;
const MESSAGE_ID = /^[\x21-\x7e]{1,128}$/;
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?Z$/;
/** Longer than any valid origin: a longer value is not read at all. */
const MAX_ORIGIN_LENGTH = 1024;

/**
 * The `origin` attribute's value.
 *
 * @example
 * formatDlqOrigin({ queue: 'work', group: 'ada@example.com', seq: '18849496460467696128', messageId: 'm-1' })
 */
export function formatDlqOrigin(origin: DlqOrigin): string {
  return JSON.stringify({
    queue: origin.queue,
    group: origin.group,
    ...(origin.seq === undefined ? {} : { seq: origin.seq }),
    messageId: origin.messageId,
    ...(origin.sentAt === undefined ? {} : { sentAt: origin.sentAt }),
    ...(origin.originalMessageId === undefined ? {} : { originalMessageId: origin.originalMessageId }),
  });
}

/**
 * Reads an `origin` attribute. A DLQ message is data anyone with access to the queue could have written: the value
 * is bounded, parsed without prototypes, and every field checked; anything off makes the whole origin `undefined`.
 *
 * @example
 * parseDlqOrigin('{"queue":"work","group":"ada@example.com","seq":"12","messageId":"m-1"}')?.group // 'ada@example.com'
 */
export function parseDlqOrigin(value: string | undefined): DlqOrigin | undefined {
  if (value === undefined || value.length > MAX_ORIGIN_LENGTH) return undefined;
  const read = parseUntrustedJson(value, 2);
  if (!read.ok) return undefined;
  const field = (name: string, pattern: RegExp): string | undefined | null => {
    const v = ownField(read.value, name);
    if (v === undefined) return undefined;
    return typeof v === 'string' && pattern.test(v) ? v : null;
  };
  const queue = ownField(read.value, 'queue');
  if (queue !== 'work' && queue !== 'dlq') return undefined;
  const group = field('group', GROUP_ID);
  const seq = field('seq', SEQUENCE);
  const messageId = field('messageId', MESSAGE_ID);
  const sentAt = field('sentAt', INSTANT);
  const originalMessageId = field('originalMessageId', MESSAGE_ID);
  if (!group || !messageId || seq === null || sentAt === null || originalMessageId === null) return undefined;
  if (queue === 'work' && (sentAt !== undefined || originalMessageId !== undefined)) return undefined;
  return {
    queue,
    group,
    ...(seq === undefined ? {} : { seq }),
    messageId,
    ...(sentAt === undefined ? {} : { sentAt }),
    ...(originalMessageId === undefined ? {} : { originalMessageId }),
  };
}

/**
 * The DLQ message group of one DLQ message: `dlq:` and its deduplication id (64 hex digits). One group per message,
 * so no DLQ message waits behind another, and the same message sent twice (a retry) lands in the same group.
 *
 * @example
 * dlqMessageGroupId('9f86d0…') // 'dlq:9f86d0…'
 */
export function dlqMessageGroupId(deduplicationId: string): string {
  return `dlq:${deduplicationId}`;
}

/**
 * The deduplication id of the copy the CLI makes when it re-groups a DLQ message (see {@link DlqOrigin}, `dlq`):
 * derived from the DLQ message id only, so a retried re-grouping is dropped by SQS within its 5-minute window.
 *
 * @example
 * regroupDeduplicationId('a1b2…').length // 64
 */
export function regroupDeduplicationId(dlqMessageId: string): string {
  return createHash('sha256').update(`regroup:${dlqMessageId}`).digest('hex');
}
