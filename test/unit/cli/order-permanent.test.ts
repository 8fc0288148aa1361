import type { Message, MessageAttributeValue } from '@aws-sdk/client-sqs';
import { isPermanentFailure, orderByPerson, orderOnePerson, planReplay, toDlqEntry } from '@idp-sync/cli';
import { formatDlqOrigin } from '@idp-sync/contracts';
import { describe, expect, it } from 'vitest';

const s = (value: string): MessageAttributeValue => ({ DataType: 'String', StringValue: value });

/** A DLQ message as the worker writes it (`work`), or as it sits after re-grouping / in a person group (`dlq`). */
function msg(
  id: string,
  group: string,
  options: {
    queue?: 'work' | 'dlq';
    seq?: string;
    failedAt?: string;
    sentAt?: string;
    errorClass?: string;
    retryable?: boolean;
    inGroup?: boolean;
  } = {},
) {
  const queue = options.queue ?? 'work';
  const attrs: Record<string, MessageAttributeValue> = {};
  if (options.errorClass) {
    attrs.errorClass = s(options.errorClass);
    attrs.retryable = s(String(options.retryable ?? true));
  }
  if (options.failedAt) attrs.failedAt = s(options.failedAt);
  if (!options.inGroup) {
    attrs.origin = s(
      formatDlqOrigin({
        queue,
        group,
        ...(options.seq ? { seq: options.seq } : {}),
        messageId: `orig-${id}`,
        ...(queue === 'dlq' && options.sentAt ? { sentAt: options.sentAt } : {}),
      }),
    );
  }
  const message: Message = {
    MessageId: id,
    ReceiptHandle: `h-${id}`,
    Body: '{}',
    Attributes: {
      MessageGroupId: options.inGroup ? group : `dlq:${id}`,
      ...(options.inGroup && options.seq ? { SequenceNumber: options.seq } : {}),
      SentTimestamp: String(Date.parse(options.sentAt ?? options.failedAt ?? '2026-12-01T00:00:00Z')),
    },
    MessageAttributes: attrs,
  };
  return toDlqEntry(message);
}

const ids = (entries: ReadonlyArray<{ messageId: string }>) => entries.map((e) => e.messageId);

describe('orderOnePerson', () => {
  it('orders by SequenceNumber as big integers, not as strings or Numbers', () => {
    const a = msg('a', 'p', { seq: '99999999999999999999' }); // 20 digits
    const b = msg('b', 'p', { seq: '100000000000000000000' }); // 21 digits: before a as a string
    const c = msg('c', 'p', { seq: '100000000000000000001' }); // equal to b as a Number
    expect(ids(orderOnePerson([c, b, a]))).toEqual(['a', 'b', 'c']);
    expect(ids(orderOnePerson([b, a, c]))).toEqual(['a', 'b', 'c']);
  });

  it('merges worker-written and re-grouped messages (two queues’ sequence numbers) by when they reached the DLQ', () => {
    // Re-grouped (DLQ sequence numbers), reached the DLQ at 10:00 and 10:20.
    const r1 = msg('r1', 'p', { queue: 'dlq', seq: '5', sentAt: '2026-12-01T10:00:00.000Z' });
    const r2 = msg('r2', 'p', { queue: 'dlq', seq: '9', sentAt: '2026-12-01T10:20:00.000Z' });
    // Worker-written (work-queue sequence numbers, larger or smaller says nothing), failed at 10:10 and 10:30.
    const w1 = msg('w1', 'p', { seq: '1', failedAt: '2026-12-01T10:10:00.000Z', errorClass: 'ServerError' });
    const w2 = msg('w2', 'p', { seq: '2', failedAt: '2026-12-01T10:30:00.000Z', errorClass: 'ServerError' });
    expect(ids(orderOnePerson([w2, r2, w1, r1]))).toEqual(['r1', 'w1', 'r2', 'w2']);
  });

  it('within one queue the sequence number wins over the time', () => {
    const late = msg('x', 'p', { seq: '1', failedAt: '2026-12-01T11:00:00.000Z', errorClass: 'ServerError' });
    const early = msg('y', 'p', { seq: '2', failedAt: '2026-12-01T10:00:00.000Z', errorClass: 'ServerError' });
    expect(ids(orderOnePerson([early, late]))).toEqual(['x', 'y']);
  });

  it('reads the order of a message still in the person group from its SequenceNumber', () => {
    const a = msg('a', 'p', { inGroup: true, seq: '00000000000000000007' });
    const b = msg('b', 'p', { inGroup: true, seq: '00000000000000000003' });
    expect(a.order).toEqual({ queue: 'dlq', sequence: 7n });
    expect(ids(orderOnePerson([a, b]))).toEqual(['b', 'a']);
  });
});

describe('orderByPerson', () => {
  it("groups by the person's group from origin, not by the DLQ message group", () => {
    const people = orderByPerson([
      msg('a1', 'alice', { seq: '2' }),
      msg('b1', 'bob', { seq: '1' }),
      msg('a0', 'alice', { seq: '1' }),
    ]);
    expect(people.map((p) => [p.groupId, ids(p.entries)])).toEqual([
      ['alice', ['a0', 'a1']],
      ['bob', ['b1']],
    ]);
  });

  it('a group id like a prototype key is just a key', () => {
    const people = orderByPerson([msg('x', '__proto__', { seq: '1' }), msg('y', 'constructor', { seq: '1' })]);
    expect(people.map((p) => p.groupId)).toEqual(['__proto__', 'constructor']);
  });
});

describe('isPermanentFailure', () => {
  it.each([
    ['EmailDeleted', false, true],
    ['ResetPasswordRejected', false, true],
    ['ResendRejected', false, true],
    ['LeftDuringJoin', false, true],
    ['CommandIdReused', false, true],
    ['ConflictError', false, true],
    ['BadRequestError', false, true],
    ['UnprocessableEntityError', false, true],
    // Not retryable in the worker, but a fix on our side clears them: replayed by default.
    ['UserNotFound', false, false],
    ['InvalidCommand', false, false],
    ['UnknownAction', false, false],
    ['ForbiddenError', false, false],
    // Transient.
    ['ServerError', true, false],
    ['BlockedByEarlierFailure', true, false],
    // A class this CLI does not know: the worker's flag decides.
    ['SomethingNew', false, true],
    ['SomethingNew', true, false],
  ])('%s (retryable %s) → %s', (errorClass, retryable, expected) => {
    expect(isPermanentFailure(msg('m', 'p', { errorClass, retryable }))).toBe(expected);
  });

  it('a message SQS redrive moved (no reason) is not', () => {
    expect(isPermanentFailure(msg('m', 'p', { inGroup: true }))).toBe(false);
  });
});

describe('planReplay', () => {
  const alice = [
    msg('a1', 'alice', { seq: '1', errorClass: 'ServerError' }),
    msg('a2', 'alice', { seq: '2', errorClass: 'UserNotFound', retryable: false }),
  ];
  const dan = [
    msg('d1', 'dan', { seq: '3', errorClass: 'EmailDeleted', retryable: false }),
    msg('d2', 'dan', { seq: '4', errorClass: 'ServerError' }),
  ];
  const erin = [msg('e1', 'erin', { seq: '5', errorClass: 'ResetPasswordRejected', retryable: false })];

  it('leaves permanent failures, and the same person’s later messages behind them', () => {
    const plan = planReplay([...dan, ...erin, ...alice].reverse(), () => true);
    expect(ids(plan.selected)).toEqual(['a1', 'a2']);
    expect(ids(plan.permanent).sort()).toEqual(['d1', 'e1']);
    expect(ids(plan.heldBack)).toEqual(['d2']);
    expect(ids(plan.skipped).sort()).toEqual(['d1', 'd2', 'e1']);
  });

  it('--include-permanent takes them, in order', () => {
    const plan = planReplay([...dan, ...erin, ...alice], () => true, { includePermanent: true });
    expect(ids(plan.selected)).toEqual(['d1', 'd2', 'e1', 'a1', 'a2']);
    expect(plan.permanent).toEqual([]);
  });

  it('a filter that selects only a permanent failure moves nothing and counts it', () => {
    const plan = planReplay([...dan, ...alice], (e) => e.messageId === 'd1');
    expect(plan.selected).toEqual([]);
    expect(ids(plan.permanent)).toEqual(['d1']);
  });

  it('--max cuts a person after their earlier messages, never before', () => {
    const plan = planReplay([...alice, ...dan], () => true, { max: 1, includePermanent: true });
    expect(ids(plan.selected)).toEqual(['a1']);
    expect(ids(plan.beyondMax)).toEqual(['a2', 'd1']);
  });
});
