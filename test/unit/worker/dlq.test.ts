import { DLQ_ATTRIBUTES, parseDlqOrigin } from '@idp-sync/contracts';
import { deadLetterAttributes, deadLetterDeduplicationId, parseRecord, queueUrlFromArn } from '@idp-sync/worker/batch';
import { describe, expect, it } from 'vitest';
import { command, sqsRecord } from '../../helpers/worker/records';

describe('DLQ message', () => {
  it('carries the reason, times, counts and ids as attributes (at most ten)', () => {
    const c = command({ action: 'create' });
    const record = parseRecord(sqsRecord(c, { receiveCount: 5, firstReceivedAt: 1_700_000_000_000 }), new Date());
    const attrs = deadLetterAttributes(
      record,
      { retryable: false, errorClass: 'EmailDeleted', httpStatus: 409, message: 'email was deleted' },
      new Date('2026-01-02T03:04:05.000Z'),
    );
    expect(Object.keys(attrs).length).toBeLessThanOrEqual(10);
    expect(Object.keys(attrs).every((k) => (DLQ_ATTRIBUTES as readonly string[]).includes(k))).toBe(true);
    expect(attrs.errorClass?.StringValue).toBe('EmailDeleted');
    expect(attrs.httpStatus).toEqual({ DataType: 'Number', StringValue: '409' });
    expect(attrs.receiveCount).toEqual({ DataType: 'Number', StringValue: '5' });
    expect(attrs.firstSeenAt?.StringValue).toBe(new Date(1_700_000_000_000).toISOString());
    expect(attrs.failedAt?.StringValue).toBe('2026-01-02T03:04:05.000Z');
    expect(attrs.commandId?.StringValue).toBe(c.id);
    expect(attrs.originalMessageId).toBeUndefined();
    expect(parseDlqOrigin(attrs.origin?.StringValue)).toEqual({
      queue: 'work',
      group: c.email,
      seq: record.record.attributes.SequenceNumber,
      messageId: record.messageId,
    });
  });

  it('stays within the ten attributes SQS allows with every optional one present', () => {
    const raw = sqsRecord(command({ action: 'update', name: 'N', email: `${'x'.repeat(200)}@example.com` }));
    raw.messageAttributes.replayCount = {
      dataType: 'Number',
      stringValue: '3',
      stringListValues: [],
      binaryListValues: [],
    };
    const failure = { retryable: false, errorClass: 'UserNotFound', httpStatus: 404, message: 'no such user' };
    const attrs = deadLetterAttributes(parseRecord(raw, new Date()), failure, new Date());
    expect(Object.keys(attrs)).toHaveLength(10);
    // A very long email's group is its hash; the origin names it, never the address.
    const origin = parseDlqOrigin(attrs.origin?.StringValue);
    expect(origin?.group).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(attrs.origin?.StringValue).not.toContain('xxxx');
  });

  it('leaves a sequence number out of the origin when the queue gave none or a malformed one', () => {
    const raw = sqsRecord(command());
    raw.attributes.SequenceNumber = '12; drop';
    const attrs = deadLetterAttributes(
      parseRecord(raw, new Date()),
      { retryable: true, errorClass: 'ServerError', message: 'x' },
      new Date(),
    );
    expect(parseDlqOrigin(attrs.origin?.StringValue)?.seq).toBeUndefined();
  });

  it('carries the replay count of a replayed message over, so it adds up across replays', () => {
    const raw = sqsRecord(command({ action: 'update', name: 'N' }));
    raw.messageAttributes.replayCount = {
      dataType: 'Number',
      stringValue: '2',
      stringListValues: [],
      binaryListValues: [],
    };
    const failure = { retryable: false, errorClass: 'UserNotFound', httpStatus: 404, message: 'no such user' };
    const replayed = deadLetterAttributes(parseRecord(raw, new Date()), failure, new Date());
    expect(replayed.replayCount).toEqual({ DataType: 'Number', StringValue: '2' });
    expect(Object.keys(replayed).length).toBeLessThanOrEqual(10);
    const fresh = deadLetterAttributes(parseRecord(sqsRecord(command()), new Date()), failure, new Date());
    expect(fresh.replayCount).toBeUndefined();
  });

  it('deduplicates per message and receive', () => {
    expect(deadLetterDeduplicationId('m', 1)).toBe(deadLetterDeduplicationId('m', 1));
    expect(deadLetterDeduplicationId('m', 1)).not.toBe(deadLetterDeduplicationId('m', 2));
    expect(deadLetterDeduplicationId('m', 1)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('derives a queue URL from an SQS ARN', () => {
    expect(queueUrlFromArn('arn:aws:sqs:eu-west-1:123456789012:q.fifo')).toBe(
      'https://sqs.eu-west-1.amazonaws.com/123456789012/q.fifo',
    );
    expect(queueUrlFromArn('nope')).toBeUndefined();
  });
});
