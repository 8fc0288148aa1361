import { createHash } from 'node:crypto';
import {
  ChangeMessageVisibilityCommand,
  type MessageAttributeValue,
  SendMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { type DlqAttribute, dlqMessageGroupId, formatDlqOrigin } from '@idp-sync/contracts';
import type { FailureInfo } from './classify';
import type { WorkerRecord } from './records';

/**
 * The DLQ message attributes for a record (typed by the contract's `DLQ_ATTRIBUTES`): why it failed (class, HTTP
 * status, message, whether it was transient), how often it was received, when it was first seen and when it failed,
 * which command it was, and `origin`: the person's group, the record's SequenceNumber in the work queue and its
 * message id (the DLQ message sits in a group of its own; `origin` lets a replay restore the person's group and order).
 * At most ten, as SQS allows: seven always, `httpStatus`, `commandId` and `replayCount` when there is one.
 *
 * @example
 * deadLetterAttributes(record, failure, new Date()).errorClass // { DataType: 'String', StringValue: 'EmailDeleted' }
 */
export function deadLetterAttributes(
  record: WorkerRecord,
  failure: FailureInfo,
  failedAt: Date,
): Partial<Record<DlqAttribute, MessageAttributeValue>> {
  const text = (value: string): MessageAttributeValue => ({ DataType: 'String', StringValue: value });
  const number = (value: number): MessageAttributeValue => ({ DataType: 'Number', StringValue: String(value) });
  const replayCount = replayCountOf(record);
  return {
    errorClass: text(failure.errorClass),
    ...(failure.httpStatus === undefined ? {} : { httpStatus: number(failure.httpStatus) }),
    errorMessage: text(failure.message || failure.errorClass),
    retryable: text(String(failure.retryable)),
    receiveCount: number(record.receiveCount),
    firstSeenAt: text(record.firstSeenAt.toISOString()),
    failedAt: text(failedAt.toISOString()),
    ...(record.command === undefined ? {} : { commandId: text(record.command.id) }),
    origin: text(
      formatDlqOrigin({
        queue: 'work',
        group: originalGroupOf(record),
        ...(sequenceOf(record) === undefined ? {} : { seq: sequenceOf(record) }),
        messageId: record.messageId,
      }),
    ),
    // Carried over from a replayed message (`idp-sync dlq replay` sets it), so the count adds up across replays.
    ...(replayCount === undefined ? {} : { replayCount: number(replayCount) }),
  };
}

/** The record's message group in the work queue: the person's. */
function originalGroupOf(record: WorkerRecord): string {
  return record.record.attributes?.MessageGroupId ?? record.groupId;
}

/** The record's SequenceNumber in the FIFO work queue (decimal digits; absent on a standard queue). */
function sequenceOf(record: WorkerRecord): string | undefined {
  const value = record.record.attributes?.SequenceNumber;
  return typeof value === 'string' && /^\d{1,39}$/.test(value) ? value : undefined;
}

function replayCountOf(record: WorkerRecord): number | undefined {
  const value = Number(record.record.messageAttributes?.replayCount?.stringValue);
  return Number.isInteger(value) && value > 0 ? value : undefined;
}

/**
 * A deduplication id for the DLQ copy of a message: the same message failing on the same receive twice (a crash
 * after SendMessage, before the ack) is stored once; a later receive gets a new id.
 *
 * @example
 * deadLetterDeduplicationId('m-1', 5).length // 64
 */
export function deadLetterDeduplicationId(messageId: string, receiveCount: number): string {
  return createHash('sha256').update(`${messageId}:${receiveCount}`).digest('hex');
}

/**
 * Sends a failed record to the FIFO DLQ: the original body unchanged (so replay re-sends it as it was), in a message
 * group of its own (`dlq:<deduplication id>`: no DLQ message waits behind another, so `idp-sync dlq list` sees them
 * all at once), with {@link deadLetterAttributes} (whose `origin` names the person's group and order). The worker
 * acknowledges the record only after this succeeded.
 *
 * @example
 * await new DeadLetterSender(sqs, dlqUrl).send(record, failure, new Date());
 */
export class DeadLetterSender {
  readonly #sqs: SQSClient;
  readonly #dlqUrl: string;

  constructor(sqs: SQSClient, dlqUrl: string) {
    this.#sqs = sqs;
    this.#dlqUrl = dlqUrl;
  }

  async send(record: WorkerRecord, failure: FailureInfo, failedAt: Date): Promise<string | undefined> {
    const fifo = this.#dlqUrl.endsWith('.fifo');
    const out = await this.#sqs.send(
      new SendMessageCommand({
        QueueUrl: this.#dlqUrl,
        MessageBody: record.record.body,
        MessageAttributes: deadLetterAttributes(record, failure, failedAt),
        ...(fifo ? fifoFields(deadLetterDeduplicationId(record.messageId, record.receiveCount)) : {}),
      }),
    );
    return out.MessageId;
  }
}

function fifoFields(deduplicationId: string) {
  return { MessageGroupId: dlqMessageGroupId(deduplicationId), MessageDeduplicationId: deduplicationId };
}

/**
 * The queue URL of an SQS ARN (`arn:aws:sqs:<region>:<account>:<name>`), for ChangeMessageVisibility when
 * `QUEUE_URL` is not configured.
 *
 * @example
 * queueUrlFromArn('arn:aws:sqs:eu-west-1:123456789012:cmds.fifo') // 'https://sqs.eu-west-1.amazonaws.com/123456789012/cmds.fifo'
 */
export function queueUrlFromArn(arn: string): string | undefined {
  const match = /^arn:aws[\w-]*:sqs:([\w-]+):(\d+):(.+)$/.exec(arn);
  if (!match) return undefined;
  const [, region, account, name] = match;
  return `https://sqs.${region}.amazonaws.com/${account}/${name}`;
}

/**
 * Hides a message for `seconds` from now (the backoff before its next delivery).
 *
 * @example
 * await changeVisibility(sqs, queueUrl, record.receiptHandle, 60);
 */
export async function changeVisibility(
  sqs: SQSClient,
  queueUrl: string,
  receiptHandle: string,
  seconds: number,
): Promise<void> {
  await sqs.send(
    new ChangeMessageVisibilityCommand({
      QueueUrl: queueUrl,
      ReceiptHandle: receiptHandle,
      VisibilityTimeout: seconds,
    }),
  );
}
