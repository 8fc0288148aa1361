import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  type Message,
  type MessageAttributeValue,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { formatDlqOrigin } from '@idp-sync/contracts';

interface Stored {
  id: string;
  body: string;
  group: string;
  attributes: Record<string, MessageAttributeValue>;
  dedup?: string;
  handle?: string;
  invisibleUntil: number;
  /** When the message was sent (its SentTimestamp, as SQS reports it). */
  sentAt: number;
  /** Its SequenceNumber in this queue. */
  sequence: number;
}

/**
 * An in-memory pair of FIFO queues, for what fauxqs cannot show: real SQS may return SEVERAL messages of one group in
 * a single receive (fauxqs returns one), and sends or deletes can fail per entry. Group locking as in SQS: while any
 * message of a group is in flight, no later message of it is handed out.
 */
export class FakeFifo {
  readonly queues = new Map<string, Stored[]>();
  /** Entries whose send fails (by body substring). */
  failSendWhenBodyIncludes: string | undefined;
  /** Deletes fail for these DLQ message ids (the receipt handle expired, say). */
  readonly failDeleteIds = new Set<string>();
  private seq = 0;

  constructor(...urls: string[]) {
    for (const url of urls) this.queues.set(url, []);
  }

  /**
   * Puts a message as the worker writes it into the DLQ: in a group of its own, the person's group and its work
   * queue order in `origin`. `legacy`: in the person's group, without `origin` (SQS redrive, an older worker).
   */
  put(url: string, body: string, group: string, options: { legacy?: boolean } = {}): string {
    const id = `msg-${++this.seq}`;
    const attributes: Record<string, MessageAttributeValue> = options.legacy
      ? {}
      : {
          origin: {
            DataType: 'String',
            StringValue: formatDlqOrigin({
              queue: 'work',
              group,
              seq: String(1_000_000_000_000_000_000n + BigInt(this.seq)),
              messageId: `work-${id}`,
            }),
          },
        };
    // Put before the code under test runs: sent a moment ago, as a message already waiting in the DLQ would be.
    this.queues.get(url)!.push({
      id,
      body,
      group: options.legacy ? group : `dlq:${id}`,
      attributes,
      invisibleUntil: 0,
      sentAt: Date.now() - 1000,
      sequence: ++this.seq,
    });
    return id;
  }

  get client(): SQSClient {
    return { send: (command: unknown) => this.handle(command) } as unknown as SQSClient;
  }

  private async handle(command: unknown): Promise<unknown> {
    const now = Date.now();
    if (command instanceof ReceiveMessageCommand) {
      const q = this.queues.get(command.input.QueueUrl!)!;
      const max = command.input.MaxNumberOfMessages ?? 1;
      const locked = new Set(q.filter((m) => m.invisibleUntil > now).map((m) => m.group));
      const out: Message[] = [];
      const taken = new Set<string>();
      for (const m of q) {
        if (out.length >= max) break;
        if (m.invisibleUntil > now) continue;
        if (locked.has(m.group) && !taken.has(m.group)) continue;
        // Several of one group, in order, as long as none before it in the group was skipped.
        m.handle = `h-${++this.seq}`;
        m.invisibleUntil = now + (command.input.VisibilityTimeout ?? 30) * 1000;
        taken.add(m.group);
        locked.add(m.group);
        out.push({
          MessageId: m.id,
          ReceiptHandle: m.handle,
          Body: m.body,
          Attributes: {
            MessageGroupId: m.group,
            SentTimestamp: String(m.sentAt),
            SequenceNumber: String(m.sequence).padStart(20, '0'),
          },
          MessageAttributes: m.attributes,
        });
      }
      return { Messages: out };
    }
    if (command instanceof SendMessageBatchCommand) {
      const q = this.queues.get(command.input.QueueUrl!)!;
      const Successful = [];
      const Failed = [];
      for (const e of command.input.Entries ?? []) {
        if (this.failSendWhenBodyIncludes && e.MessageBody!.includes(this.failSendWhenBodyIncludes)) {
          Failed.push({ Id: e.Id, Code: 'InvalidMessageContents', Message: 'refused', SenderFault: true });
          continue;
        }
        q.push({
          id: `msg-${++this.seq}`,
          body: e.MessageBody!,
          group: e.MessageGroupId!,
          attributes: e.MessageAttributes ?? {},
          dedup: e.MessageDeduplicationId,
          invisibleUntil: 0,
          sentAt: now,
          sequence: ++this.seq,
        });
        Successful.push({ Id: e.Id, MessageId: 'x', MD5OfMessageBody: 'x' });
      }
      return { Successful, Failed };
    }
    if (command instanceof DeleteMessageBatchCommand) {
      const q = this.queues.get(command.input.QueueUrl!)!;
      const Successful = [];
      const Failed = [];
      for (const e of command.input.Entries ?? []) {
        const i = q.findIndex((m) => m.handle === e.ReceiptHandle);
        if (i < 0 || this.failDeleteIds.has(q[i]!.id)) {
          Failed.push({ Id: e.Id, Code: 'ReceiptHandleIsInvalid', Message: 'expired', SenderFault: true });
          continue;
        }
        q.splice(i, 1);
        Successful.push({ Id: e.Id });
      }
      return { Successful, Failed };
    }
    if (command instanceof ChangeMessageVisibilityBatchCommand) {
      const q = this.queues.get(command.input.QueueUrl!)!;
      for (const e of command.input.Entries ?? []) {
        const m = q.find((x) => x.handle === e.ReceiptHandle);
        if (m) m.invisibleUntil = now + (e.VisibilityTimeout ?? 0) * 1000;
      }
      return { Successful: (command.input.Entries ?? []).map((e) => ({ Id: e.Id })), Failed: [] };
    }
    throw new Error(`FakeFifo: unexpected command ${(command as object).constructor.name}`);
  }

  bodies(url: string): string[] {
    return this.queues.get(url)!.map((m) => m.body);
  }

  /** The bodies of one person's messages in a queue, in queue order (by `origin` group, or the message's own). */
  bodiesOf(url: string, group: string): string[] {
    return this.queues
      .get(url)!
      .filter((m) => m.group === group || m.attributes.origin?.StringValue?.includes(`"group":"${group}"`))
      .map((m) => m.body);
  }
}
