import { randomUUID } from 'node:crypto';
import { messageGroupIdFor, type ProvisioningCommand } from '@idp-sync/contracts';
import type { SQSEvent, SQSRecord } from 'aws-lambda';

let sequence = 0;

/**
 * A valid provisioning command with sensible defaults; `occurredAt` increases with each call so commands built in
 * order are in order, and `receivedAt` is `occurredAt` unless given.
 *
 * @example
 * const c = command({ action: 'update', email: 'ada@example.com', name: 'Ada L' });
 */
export function command(overrides: Partial<ProvisioningCommand> = {}): ProvisioningCommand {
  sequence++;
  const occurredAt = new Date(Date.UTC(2026, 0, 1) + sequence * 1000).toISOString();
  return {
    v: 1,
    id: `test:${randomUUID()}`,
    source: 'hr',
    sourceEventType: 'employee.updated',
    occurredAt,
    action: 'create',
    email: `person${sequence}@example.com`,
    name: `Person ${sequence}`,
    ...overrides,
    // Received when it occurred, unless the test says otherwise (occurredAt is capped at receivedAt + 1 min).
    receivedAt: overrides.receivedAt ?? overrides.occurredAt ?? occurredAt,
  };
}

export interface RecordOptions {
  messageId?: string;
  receiveCount?: number;
  groupId?: string;
  firstReceivedAt?: number;
  receiptHandle?: string;
  eventSourceARN?: string;
}

/**
 * A Lambda SQS record as the FIFO event source (or the local poller) delivers it, carrying `command` (or a raw
 * body string) with receive metadata.
 *
 * @example
 * const record = sqsRecord(command({ action: 'delete' }), { receiveCount: 2 });
 */
export function sqsRecord(body: ProvisioningCommand | string, options: RecordOptions = {}): SQSRecord {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  const groupId = options.groupId ?? (typeof body === 'string' ? 'raw' : messageGroupIdFor(body.email));
  const first = options.firstReceivedAt ?? Date.now();
  return {
    messageId: options.messageId ?? randomUUID(),
    receiptHandle: options.receiptHandle ?? `rh-${randomUUID()}`,
    body: text,
    attributes: {
      ApproximateReceiveCount: String(options.receiveCount ?? 1),
      SentTimestamp: String(first - 10),
      SenderId: 'AIDTEST',
      ApproximateFirstReceiveTimestamp: String(first),
      MessageGroupId: groupId,
      MessageDeduplicationId: randomUUID(),
      SequenceNumber: String(++sequence),
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: options.eventSourceARN ?? 'arn:aws:sqs:us-east-1:000000000000:idp-sync-commands.fifo',
    awsRegion: 'us-east-1',
  };
}

/**
 * An SQS event of the given records.
 *
 * @example
 * await worker.processBatch(sqsEvent([sqsRecord(command())]));
 */
export function sqsEvent(records: SQSRecord[]): SQSEvent {
  return { Records: records };
}
