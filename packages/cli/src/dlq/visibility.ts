import { ChangeMessageVisibilityBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';

/** SQS batch calls take at most 10 entries. */
const BATCH = 10;

interface Held {
  receiptHandle: string;
  deadline: number;
}

/**
 * Tracks messages this process keeps invisible in a queue, keeps them invisible while it works (each message is
 * hidden for at most `timeoutSeconds` past the last refresh, so a crash hides nothing for longer than that), and
 * releases them all at once at the end (ChangeMessageVisibility 0) instead of letting them wait out the timeout.
 *
 * @example
 * const hold = new VisibilityHold(client, dlqUrl, 5);
 * hold.add(message.MessageId!, message.ReceiptHandle!);
 * await hold.refresh();      // between receives
 * await hold.releaseAll();   // in a finally
 */
export class VisibilityHold {
  private readonly held = new Map<string, Held>();

  constructor(
    private readonly client: SQSClient,
    private readonly queueUrl: string,
    /** The visibility timeout the messages were received with, in seconds. */
    private readonly timeoutSeconds: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Records a message received with this hold's timeout (a newer receipt handle replaces an older one). */
  add(messageId: string, receiptHandle: string): void {
    this.held.set(messageId, { receiptHandle, deadline: this.now() + this.timeoutSeconds * 1000 });
  }

  /** Stops tracking a message (it was deleted): it is neither refreshed nor released. */
  forget(messageId: string): void {
    this.held.delete(messageId);
  }

  /**
   * Extends the messages whose timeout is more than half gone. A message whose handle is no longer valid (it became
   * visible and someone else, or this process, received it again) is forgotten; it will be read again.
   */
  async refresh(): Promise<void> {
    const threshold = this.now() + (this.timeoutSeconds * 1000) / 2;
    const due = [...this.held].filter(([, h]) => h.deadline <= threshold);
    if (due.length === 0) return;
    const failed = await this.change(due, this.timeoutSeconds);
    const deadline = this.now() + this.timeoutSeconds * 1000;
    for (const [id] of due) {
      if (failed.has(id)) this.held.delete(id);
      else {
        const h = this.held.get(id);
        if (h) h.deadline = deadline;
      }
    }
  }

  /**
   * Makes every held message visible again now. Returns how many could not be released (they become visible by
   * themselves when their timeout ends).
   */
  async releaseAll(): Promise<number> {
    const all = [...this.held];
    this.held.clear();
    if (all.length === 0) return 0;
    const failed = await this.change(all, 0);
    return failed.size;
  }

  /** Releases some messages now (e.g. received but not processed because --max was reached). */
  async release(messages: ReadonlyArray<{ messageId: string; receiptHandle: string }>): Promise<number> {
    for (const m of messages) this.held.delete(m.messageId);
    if (messages.length === 0) return 0;
    const failed = await this.change(
      messages.map((m) => [m.messageId, { receiptHandle: m.receiptHandle, deadline: 0 }]),
      0,
    );
    return failed.size;
  }

  private async change(entries: Array<[string, Held]>, timeout: number): Promise<Set<string>> {
    const failed = new Set<string>();
    const chunks: Array<Array<[string, Held]>> = [];
    for (let i = 0; i < entries.length; i += BATCH) chunks.push(entries.slice(i, i + BATCH));
    // A few calls in parallel: releasing thousands of messages one batch at a time would take needlessly long.
    const parallel = 8;
    for (let i = 0; i < chunks.length; i += parallel) {
      await Promise.all(
        chunks.slice(i, i + parallel).map(async (chunk) => {
          const ids = new Map(chunk.map(([id], n) => [`e${n}`, id]));
          try {
            const out = await this.client.send(
              new ChangeMessageVisibilityBatchCommand({
                QueueUrl: this.queueUrl,
                Entries: chunk.map(([, h], n) => ({
                  Id: `e${n}`,
                  ReceiptHandle: h.receiptHandle,
                  VisibilityTimeout: timeout,
                })),
              }),
            );
            for (const f of out.Failed ?? []) {
              const id = f.Id ? ids.get(f.Id) : undefined;
              if (id) failed.add(id);
            }
          } catch {
            for (const [id] of chunk) failed.add(id);
          }
        }),
      );
    }
    return failed;
  }
}
