import type { DlqEntry } from './types';

/** One person's messages in the DLQ, in the order they were in the work queue. */
export interface PersonMessages {
  /** The person's group (`undefined`: the message names none; it is a "person" of its own). */
  readonly groupId: string | undefined;
  readonly entries: readonly DlqEntry[];
}

/**
 * Groups DLQ messages by person (their original message group, not the DLQ's per-message group) and puts each
 * person's messages in their original order. People come in the order their first message was read.
 *
 * Order within a person: messages the worker wrote (`origin.queue` = `work`) by their SequenceNumber in the work
 * queue; messages that sat in the DLQ in the person's group (SQS redrive, or an older worker; re-grouped by the CLI)
 * by their SequenceNumber in the DLQ. Sequence numbers of two queues say nothing about each other, so the two lists
 * are merged by when each message reached the DLQ (`failedAt`): for one person that follows their order, because a
 * FIFO work queue hands out a person's next message only after the one before it left (applied or dead-lettered).
 * Sequence numbers are compared as big integers (they are 20+ digit strings); ties and gaps fall back to the time,
 * then the DLQ message id, so the order is the same on every read.
 *
 * @example
 * for (const person of orderByPerson(entries)) console.log(person.groupId, person.entries.length);
 */
export function orderByPerson(entries: readonly DlqEntry[]): PersonMessages[] {
  // A Map keyed by the group: a group id is data from the queue and never indexes a plain object.
  const people = new Map<string, DlqEntry[]>();
  for (const entry of entries) {
    const key = entry.groupId === undefined ? `\u0000message:${entry.messageId}` : `group:${entry.groupId}`;
    const list = people.get(key);
    if (list) list.push(entry);
    else people.set(key, [entry]);
  }
  return [...people.values()].map((list) => ({ groupId: list[0]!.groupId, entries: orderOnePerson(list) }));
}

/**
 * One person's messages in their original order (see {@link orderByPerson}).
 *
 * @example
 * orderOnePerson([update, create]) // [create, update], by their sequence numbers
 */
export function orderOnePerson(entries: readonly DlqEntry[]): DlqEntry[] {
  const fromWork = entries.filter((e) => e.order.queue === 'work').sort(bySequence);
  const fromDlq = entries.filter((e) => e.order.queue === 'dlq').sort(bySequence);
  const merged: DlqEntry[] = [];
  let w = 0;
  let d = 0;
  while (w < fromWork.length && d < fromDlq.length) {
    // On a tie the message that sat in the DLQ goes first: it reached the DLQ by redrive or an older worker.
    if (timeOf(fromWork[w]!) < timeOf(fromDlq[d]!)) merged.push(fromWork[w++]!);
    else merged.push(fromDlq[d++]!);
  }
  return [...merged, ...fromWork.slice(w), ...fromDlq.slice(d)];
}

function bySequence(a: DlqEntry, b: DlqEntry): number {
  const x = a.order.sequence;
  const y = b.order.sequence;
  if (x !== undefined && y !== undefined && x !== y) return x < y ? -1 : 1;
  // A message with a sequence number before one without (none is a stand-in's or a foreign writer's).
  if (x !== undefined && y === undefined) return -1;
  if (x === undefined && y !== undefined) return 1;
  const t = timeOf(a) - timeOf(b);
  if (t !== 0 && Number.isFinite(t)) return t;
  return a.messageId < b.messageId ? -1 : a.messageId > b.messageId ? 1 : 0;
}

/** When the message reached the DLQ, in ms (the worker's `failedAt`, else when it was sent there); +∞ if unknown. */
function timeOf(entry: DlqEntry): number {
  const t = entry.failedAt === undefined ? Number.NaN : Date.parse(entry.failedAt);
  return Number.isFinite(t) ? t : Number.POSITIVE_INFINITY;
}
