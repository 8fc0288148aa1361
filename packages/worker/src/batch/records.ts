import type { Message } from '@aws-sdk/client-sqs';
import { MAX_JSON_DEPTH, ownField, parseUntrustedJson } from '@idp-sync/common';
import { messageGroupIdOf, type ProvisioningCommand, ProvisioningCommandSchema } from '@idp-sync/contracts';
import type { SQSMessageAttributes, SQSRecord } from 'aws-lambda';
import type { HoldSubject } from '../state/deletion-guard';

/** One SQS record with what the worker needs to know about it. */
export interface WorkerRecord {
  record: SQSRecord;
  messageId: string;
  /** The FIFO message group (the person); a record without one is its own group. */
  groupId: string;
  /** `ApproximateReceiveCount`: 1 on the first delivery. */
  receiveCount: number;
  /** When SQS first delivered the message (`ApproximateFirstReceiveTimestamp`, else `SentTimestamp`). */
  firstSeenAt: Date;
  /** The command, when the body is a valid one. */
  command?: ProvisioningCommand;
  /** Why the body is not a valid command (set exactly when `command` is not). */
  invalid?: string;
  /**
   * The body's `occurredAt` lay beyond `receivedAt` + one minute and parsing capped it (`boundOccurredAt`): a message
   * queued before ingest capped times (a DLQ replay, an old redelivery). Ingest caps and counts the others itself.
   */
  cappedHere?: boolean;
}

const MAX_REASON_LENGTH = 600;

/**
 * Reads one SQS record: receive metadata, and the body validated as a provisioning command. An invalid body is not
 * an exception here but a reason (`invalid`) the worker puts on the DLQ message. Reasons name fields, never values.
 *
 * @example
 * const r = parseRecord(sqsRecord, new Date());
 * if (r.invalid) console.warn(r.invalid); else console.log(r.command.action);
 */
export function parseRecord(record: SQSRecord, now: Date): WorkerRecord {
  const attributes = record.attributes ?? ({} as SQSRecord['attributes']);
  const receiveCount = Math.max(1, Number.parseInt(attributes.ApproximateReceiveCount ?? '1', 10) || 1);
  const firstMs = Number(attributes.ApproximateFirstReceiveTimestamp ?? attributes.SentTimestamp ?? Number.NaN);
  const base = {
    record,
    messageId: record.messageId,
    groupId: attributes.MessageGroupId ?? `message:${record.messageId}`,
    receiveCount,
    firstSeenAt: Number.isFinite(firstMs) ? new Date(firstMs) : now,
  };
  // Depth bounded before anything walks the body; objects without a prototype, so the schema (which reads each
  // declared field by name) never takes a field the body does not hold from a polluted Object.prototype.
  const body = parseUntrustedJson(record.body, MAX_JSON_DEPTH);
  if (!body.ok) return { ...base, invalid: body.reason === 'too-deep' ? `body is ${body.detail}` : 'body is not JSON' };
  const parsed = ProvisioningCommandSchema.safeParse(body.value);
  if (parsed.success) {
    const cappedHere =
      parsed.data.claimedOccurredAt !== undefined && ownField(body.value, 'claimedOccurredAt') === undefined;
    return { ...base, command: parsed.data, ...(cappedHere ? { cappedHere } : {}) };
  }
  const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; ');
  return { ...base, invalid: `not a valid provisioning command — ${issues}`.slice(0, MAX_REASON_LENGTH) };
}

/**
 * Splits records into FIFO groups (people), keeping SQS order inside each group and the order in which groups first
 * appear.
 *
 * @example
 * groupRecords([a1, b1, a2]) // [[a1, a2], [b1]]
 */
export function groupRecords(records: WorkerRecord[]): WorkerRecord[][] {
  const groups = new Map<string, WorkerRecord[]>();
  for (const record of records) {
    const group = groups.get(record.groupId);
    if (group) group.push(record);
    else groups.set(record.groupId, [record]);
  }
  return [...groups.values()];
}

/**
 * An SQS `ReceiveMessage` message as the Lambda event source would deliver it, so the same worker code runs behind
 * a local poller. Receive with `MessageSystemAttributeNames: ['All']` and `MessageAttributeNames: ['All']` to get
 * the receive count, first-receive time and message group.
 *
 * @example
 * const out = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, MessageSystemAttributeNames: ['All'] }));
 * await worker.processBatch({ Records: (out.Messages ?? []).map((m) => sqsMessageToRecord(m, { queueArn, region })) });
 */
export function sqsMessageToRecord(message: Message, source: { queueArn: string; region: string }): SQSRecord {
  const a = message.Attributes ?? {};
  const messageAttributes: SQSMessageAttributes = {};
  for (const [name, value] of Object.entries(message.MessageAttributes ?? {})) {
    messageAttributes[name] = {
      dataType: value.DataType ?? 'String',
      ...(value.StringValue === undefined ? {} : { stringValue: value.StringValue }),
      ...(value.BinaryValue === undefined ? {} : { binaryValue: Buffer.from(value.BinaryValue).toString('base64') }),
      stringListValues: value.StringListValues ?? [],
      binaryListValues: (value.BinaryListValues ?? []).map((b) => Buffer.from(b).toString('base64')),
    };
  }
  return {
    messageId: message.MessageId ?? '',
    receiptHandle: message.ReceiptHandle ?? '',
    body: message.Body ?? '',
    attributes: {
      ApproximateReceiveCount: a.ApproximateReceiveCount ?? '1',
      SentTimestamp: a.SentTimestamp ?? String(Date.now()),
      SenderId: a.SenderId ?? 'local',
      ApproximateFirstReceiveTimestamp: a.ApproximateFirstReceiveTimestamp ?? String(Date.now()),
      ...(a.SequenceNumber === undefined ? {} : { SequenceNumber: a.SequenceNumber }),
      ...(a.MessageGroupId === undefined ? {} : { MessageGroupId: a.MessageGroupId }),
      ...(a.MessageDeduplicationId === undefined ? {} : { MessageDeduplicationId: a.MessageDeduplicationId }),
    },
    messageAttributes,
    md5OfBody: message.MD5OfBody ?? '',
    eventSource: 'aws:sqs',
    eventSourceARN: source.queueArn,
    awsRegion: source.region,
  };
}

/**
 * The deletes of a batch by command id, with what a held or scheduled delete keeps: the message body exactly as it
 * arrived, its FIFO group and sequence number (the first record of a command id wins).
 *
 * @example
 * const subjects = deleteSubjectsOf(records); // Map<commandId, HoldSubject>
 */
export function deleteSubjectsOf(records: readonly WorkerRecord[]): Map<string, HoldSubject> {
  const subjects = new Map<string, HoldSubject>();
  for (const record of records) {
    const command = record.command;
    if (command?.action !== 'delete' || subjects.has(command.id)) continue;
    const attributes = record.record.attributes ?? {};
    subjects.set(command.id, {
      commandId: command.id,
      body: record.record.body,
      groupId: attributes.MessageGroupId ?? messageGroupIdOf(command),
      ...(attributes.SequenceNumber === undefined ? {} : { sequenceNumber: attributes.SequenceNumber }),
      email: command.email,
      source: command.source,
      sourceEventType: command.sourceEventType,
      occurredAt: command.occurredAt,
      receivedAt: command.receivedAt,
    });
  }
  return subjects;
}
