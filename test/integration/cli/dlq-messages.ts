import { createHash, randomUUID } from 'node:crypto';
import {
  DeleteMessageBatchCommand,
  type Message,
  type MessageAttributeValue,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  type SendMessageBatchRequestEntry,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { dlqMessageGroupId, formatDlqOrigin, messageGroupIdFor, type ProvisioningCommand } from '@idp-sync/contracts';

/**
 * Test helpers that put messages into a DLQ exactly as the worker does (the contract: "The DLQ message" in
 * packages/worker/README.md and packages/cli/README.md), and run the CLI in-process with captured streams.
 */

let counter = 0;
/**
 * Work-queue sequence numbers as AWS gives them: 20 digits, beyond Number's exact range, so only a big-integer
 * comparison orders them (…9999 → …10000 would sort wrong as strings of different length, and as Numbers they collide).
 */
let sequence = 18_849_496_460_467_696_128n;
/** The next work-queue SequenceNumber (increasing, as SQS gives them to one group). */
export function nextSequence(): string {
  sequence += 65_536n;
  return String(sequence);
}

/** A valid provisioning command; every call gets a fresh id. */
export function makeCommand(overrides: Partial<ProvisioningCommand> = {}): ProvisioningCommand {
  counter++;
  return {
    v: 1,
    id: `okta:${randomUUID()}`,
    source: 'okta',
    sourceEventType: 'user.lifecycle.create',
    occurredAt: '2026-11-26T10:00:00.000Z',
    receivedAt: '2026-11-26T10:00:01.000Z',
    action: 'create',
    email: `person${counter}@example.com`,
    name: `Person ${counter}`,
    ...overrides,
  };
}

export interface DlqMessageSpec {
  /** The command in the body (ignored when `rawBody` is given). */
  command?: ProvisioningCommand;
  /** An invalid body, as it arrived. */
  rawBody?: string;
  /** The group id when `rawBody` is used (defaults to the command's email). */
  groupId?: string;
  /** SQS moved the message by redrive: no attributes at all, in the person's group. */
  redrive?: boolean;
  /** Written by a worker before per-message groups: in the person's group, `originalMessageId`, no `origin`. */
  legacy?: boolean;
  /** The work queue's SequenceNumber of the message (default: the next one). */
  sequenceNumber?: string;
  errorClass?: string;
  httpStatus?: number;
  errorMessage?: string;
  receiveCount?: number;
  firstSeenAt?: string;
  failedAt?: string;
  permanent?: boolean;
  /** Extra attributes (e.g. a previous replayCount). */
  extraAttributes?: Record<string, MessageAttributeValue>;
}

/** The SendMessage fields of one DLQ message, shaped like the worker writes them. */
export function dlqMessage(spec: DlqMessageSpec): Omit<SendMessageBatchRequestEntry, 'Id'> {
  const command = spec.rawBody === undefined ? (spec.command ?? makeCommand()) : spec.command;
  const body = spec.rawBody ?? JSON.stringify(command);
  const groupId = spec.groupId ?? (command ? messageGroupIdFor(command.email) : 'unknown');
  const originalMessageId = randomUUID();
  const receiveCount = spec.receiveCount ?? 1;
  const dedup = createHash('sha256').update(`${originalMessageId}:${receiveCount}`).digest('hex');
  const sequenceNumber = spec.sequenceNumber ?? nextSequence();
  if (spec.redrive) {
    return { MessageBody: body, MessageGroupId: groupId, MessageDeduplicationId: dedup };
  }
  const s = (value: string): MessageAttributeValue => ({ DataType: 'String', StringValue: value });
  const n = (value: number): MessageAttributeValue => ({ DataType: 'Number', StringValue: String(value) });
  const attributes: Record<string, MessageAttributeValue> = {
    errorClass: s(spec.errorClass ?? 'ServerError'),
    errorMessage: s(spec.errorMessage ?? 'the Users API answered 503 on every receive'),
    receiveCount: n(receiveCount),
    firstSeenAt: s(spec.firstSeenAt ?? '2026-11-26T10:00:02.000Z'),
    failedAt: s(spec.failedAt ?? '2026-11-26T10:00:05.000Z'),
    ...(spec.legacy
      ? { originalMessageId: s(originalMessageId) }
      : {
          origin: s(
            formatDlqOrigin({ queue: 'work', group: groupId, seq: sequenceNumber, messageId: originalMessageId }),
          ),
        }),
    // As the worker writes it (packages/worker/src/batch/dlq.ts): retryable = not permanent.
    retryable: s(String(!(spec.permanent ?? false))),
    ...spec.extraAttributes,
  };
  if (spec.httpStatus !== undefined) attributes.httpStatus = n(spec.httpStatus);
  else if (spec.errorClass === undefined) attributes.httpStatus = n(503);
  if (command && spec.rawBody === undefined) attributes.commandId = s(command.id);
  // As the worker writes it (packages/worker/src/batch/dlq.ts): a DLQ group of its own; before, the person's.
  const messageGroupId = spec.legacy ? groupId : dlqMessageGroupId(dedup);
  return {
    MessageBody: body,
    MessageGroupId: messageGroupId,
    MessageDeduplicationId: dedup,
    MessageAttributes: attributes,
  };
}

/** Puts DLQ messages in the given order (batches of 10, one after the other, so per-group order holds). */
export async function putDlqMessages(client: SQSClient, dlqUrl: string, specs: DlqMessageSpec[]): Promise<void> {
  for (let i = 0; i < specs.length; i += 10) {
    const entries = specs.slice(i, i + 10).map((spec, k) => ({ Id: `m${k}`, ...dlqMessage(spec) }));
    const out = await client.send(new SendMessageBatchCommand({ QueueUrl: dlqUrl, Entries: entries }));
    if ((out.Failed ?? []).length > 0) throw new Error(`put failed: ${JSON.stringify(out.Failed)}`);
  }
}

/** Receives and deletes everything in a queue (FIFO: deleting unlocks each group's next message). */
export async function drainQueue(client: SQSClient, queueUrl: string): Promise<Message[]> {
  const all: Message[] = [];
  for (;;) {
    const out = await client.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 0,
        VisibilityTimeout: 30,
        MessageSystemAttributeNames: ['All'],
        MessageAttributeNames: ['All'],
      }),
    );
    const messages = out.Messages ?? [];
    if (messages.length === 0) return all;
    all.push(...messages);
    await client.send(
      new DeleteMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: messages.map((m, i) => ({ Id: `d${i}`, ReceiptHandle: m.ReceiptHandle! })),
      }),
    );
  }
}

export { type CapturedIo, captureIo } from '../../helpers/cli-io';
