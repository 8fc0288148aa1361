import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  type Message,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { BATCH_COUNTS, type BatchCounts, sqsMessageToRecord } from '@idp-sync/worker';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { lambdaContext } from './lambda-context';

/** A Lambda handler for SQS events with `ReportBatchItemFailures`, as `functions/worker` exports it. */
export type SqsHandler = (
  event: SQSEvent,
  context: Context,
) => Promise<SQSBatchResponse | undefined | null | undefined>;

/** What became of one batch, for logs and tests. */
export interface BatchResult {
  /** Which poller (execution environment) ran it, from 0. */
  readonly instance: number;
  readonly size: number;
  /** Records delivered before (ApproximateReceiveCount above 1): retries, and redeliveries after a crash. */
  readonly redelivered: number;
  /** Records acknowledged (deleted from the queue), dead-lettered ones included. */
  readonly succeeded: number;
  /**
   * Of the acknowledged, those the worker sent to the DLQ (from the counts it attaches to its response; 0 from a
   * handler that attaches none).
   */
  readonly deadLettered: number;
  /** Records left for redelivery after their visibility timeout. */
  readonly failed: number;
  /** Set when the whole batch failed: the handler threw, timed out, or answered something Lambda rejects. */
  readonly wholeBatchFailure?: string;
  /** Deletes SQS refused (those messages will be delivered again; the worker's idempotency absorbs it). */
  readonly deleteErrors: number;
  readonly durationMs: number;
}

export type EventSourceEvent =
  | ({ readonly type: 'batch' } & BatchResult)
  | { readonly type: 'receive-error'; readonly instance: number; readonly error: string };

export interface SqsEventSourceOptions {
  readonly client: SQSClient;
  readonly queueUrl: string;
  /** `eventSourceARN` of the records. */
  readonly queueArn: string;
  readonly region: string;
  /**
   * One handler per concurrent poller — each is one "execution environment" (Lambda runs one batch at a time per
   * environment, and the number of environments is the event source's maximum concurrency).
   */
  readonly handlers: readonly SqsHandler[];
  /** ReceiveMessage `MaxNumberOfMessages` (Lambda's batch size; at most 10 for FIFO). */
  readonly batchSize?: number;
  /**
   * Long-poll wait of each receive, seconds (Lambda uses 20). A stop waits for the current receive to return, because
   * an aborted long poll may still take a message off the queue; short waits keep stopping fast.
   */
  readonly waitTimeSeconds?: number;
  /** The function timeout: a batch still running after it counts as failed (its messages are not deleted). */
  readonly timeoutMs?: number;
  readonly functionName?: string;
  readonly onEvent?: (event: EventSourceEvent) => void;
}

/** A running event source. */
export interface SqsEventSource {
  /** Batches being processed right now. */
  readonly inFlight: number;
  /** Stops receiving; resolves when the batches in flight have finished and been acknowledged. */
  pause(): Promise<void>;
  /** Receives again after {@link pause}. */
  resume(): void;
  /**
   * Stops for good. By default in-flight batches finish first (graceful). With `abandon`, it returns at once and the
   * results of in-flight batches are ignored — nothing is deleted, as when a Lambda environment crashes mid-batch.
   * With `abortReceives`, pending long polls are cut instead of waited for: only for a queue that is going away with
   * the process, since SQS may still hand a message to an aborted receive (it then stays invisible for a while).
   */
  stop(options?: { abandon?: boolean; abortReceives?: boolean }): Promise<void>;
}

const DEFAULT_WAIT_SECONDS = 2;
const DEFAULT_TIMEOUT_MS = 30_000;
const MAX_RECEIVE_BACKOFF_MS = 5_000;

class BatchTimeout extends Error {
  constructor(ms: number) {
    super(`the handler did not finish within the function timeout (${ms} ms)`);
    this.name = 'BatchTimeout';
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new BatchTimeout(ms)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** The worker's dead-lettered count attached to its answer (a symbol key: never part of what Lambda reads). */
function deadLetteredOf(response: unknown): number {
  if (typeof response !== 'object' || response === null) return 0;
  const counts = (response as { [BATCH_COUNTS]?: Partial<BatchCounts> })[BATCH_COUNTS];
  const n = counts?.deadLettered;
  return typeof n === 'number' && Number.isInteger(n) && n >= 0 ? n : 0;
}

/**
 * Which messages failed according to a handler's answer, or a reason why Lambda would treat the whole batch as failed.
 * As Lambda does: no answer or no `batchItemFailures` means all succeeded; an item identifier that is empty or not a
 * message of the batch fails the whole batch.
 */
export function failedMessageIds(
  response: unknown,
  messageIds: ReadonlySet<string>,
): { failed: Set<string> } | { invalid: string } {
  if (response === undefined || response === null) return { failed: new Set() };
  if (typeof response !== 'object') return { invalid: 'the handler answered something other than an object' };
  const failures = (response as { batchItemFailures?: unknown }).batchItemFailures;
  if (failures === undefined || failures === null) return { failed: new Set() };
  if (!Array.isArray(failures)) return { invalid: 'batchItemFailures is not an array' };
  const failed = new Set<string>();
  for (const item of failures) {
    const id = (item as { itemIdentifier?: unknown } | null)?.itemIdentifier;
    if (typeof id !== 'string' || id === '') return { invalid: 'a batchItemFailures entry has no itemIdentifier' };
    if (!messageIds.has(id)) return { invalid: `itemIdentifier ${id} is not a message of the batch` };
    failed.add(id);
  }
  return { failed };
}

/**
 * The Lambda SQS event source, locally: each poller long-polls the queue for batches of up to 10 with every system
 * and message attribute (MessageGroupId, ApproximateReceiveCount, ApproximateFirstReceiveTimestamp…), turns the
 * messages into Lambda records, invokes its handler, deletes the records that succeeded and leaves the failures to
 * come back after their visibility timeout. A handler that throws, times out or answers an invalid partial-batch
 * response fails the whole batch — Powertools' `processPartialResponse` throws when every record fails, and Lambda
 * then retries them all.
 *
 * FIFO order holds with several pollers: SQS hands out a message group's next message only after the previous one is
 * deleted or its visibility expires.
 *
 * @example
 * const source = startSqsEventSource({ client, queueUrl, queueArn, region: 'us-east-1', handlers: [handler, handler2] });
 * await source.stop();
 */
export function startSqsEventSource(options: SqsEventSourceOptions): SqsEventSource {
  const batchSize = Math.min(10, Math.max(1, options.batchSize ?? 10));
  const waitTimeSeconds = Math.min(20, Math.max(0, options.waitTimeSeconds ?? DEFAULT_WAIT_SECONDS));
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const functionName = options.functionName ?? 'idp-sync-worker-local';
  const emit = options.onEvent ?? (() => undefined);

  let stopped = false;
  let abandoned = false;
  let paused = false;
  let wake: (() => void) | undefined;
  let resumed = Promise.resolve();
  let inFlight = 0;
  const idle = new Set<() => void>();
  const loops: Promise<void>[] = [];
  const receives = new AbortController();

  const notifyIdle = () => {
    if (inFlight > 0) return;
    for (const resolve of idle) resolve();
    idle.clear();
  };

  const whenIdle = () => (inFlight === 0 ? Promise.resolve() : new Promise<void>((resolve) => idle.add(resolve)));

  async function receive(): Promise<Message[]> {
    const out = await options.client.send(
      new ReceiveMessageCommand({
        QueueUrl: options.queueUrl,
        MaxNumberOfMessages: batchSize,
        WaitTimeSeconds: waitTimeSeconds,
        AttributeNames: ['All'],
        MessageSystemAttributeNames: ['All'],
        MessageAttributeNames: ['All'],
      }),
      { abortSignal: receives.signal },
    );
    return out.Messages ?? [];
  }

  /** Puts messages received while stopping straight back, rather than leaving them invisible for a timeout. */
  async function release(messages: readonly Message[]): Promise<void> {
    if (messages.length === 0) return;
    await options.client
      .send(
        new ChangeMessageVisibilityBatchCommand({
          QueueUrl: options.queueUrl,
          Entries: messages.map((m, i) => ({
            Id: String(i),
            ReceiptHandle: m.ReceiptHandle ?? '',
            VisibilityTimeout: 0,
          })),
        }),
      )
      .catch(() => undefined);
  }

  async function acknowledge(messages: readonly Message[]): Promise<number> {
    let errors = 0;
    for (let i = 0; i < messages.length; i += 10) {
      const chunk = messages.slice(i, i + 10);
      try {
        const out = await options.client.send(
          new DeleteMessageBatchCommand({
            QueueUrl: options.queueUrl,
            Entries: chunk.map((m, j) => ({ Id: String(j), ReceiptHandle: m.ReceiptHandle ?? '' })),
          }),
        );
        errors += out.Failed?.length ?? 0;
      } catch {
        errors += chunk.length;
      }
    }
    return errors;
  }

  async function invoke(instance: number, handler: SqsHandler, messages: Message[]): Promise<void> {
    const started = Date.now();
    const records = messages.map((m) => sqsMessageToRecord(m, { queueArn: options.queueArn, region: options.region }));
    const ids = new Set(records.map((r) => r.messageId));
    let failed: Set<string> | undefined;
    let wholeBatchFailure: string | undefined;
    let deadLettered = 0;
    try {
      const response = await withTimeout(
        Promise.resolve().then(() => handler({ Records: records }, lambdaContext(functionName, timeoutMs))),
        timeoutMs,
      );
      const read = failedMessageIds(response, ids);
      deadLettered = deadLetteredOf(response);
      if ('invalid' in read) wholeBatchFailure = read.invalid;
      else failed = read.failed;
    } catch (error) {
      wholeBatchFailure = `${(error as Error)?.name ?? 'Error'}: ${(error as Error)?.message ?? String(error)}`;
    }
    // A crashed environment acknowledges nothing.
    if (abandoned) return;
    const succeeded = failed ? messages.filter((m) => !failed.has(m.MessageId ?? '')) : [];
    const deleteErrors = await acknowledge(succeeded);
    emit({
      type: 'batch',
      instance,
      size: messages.length,
      redelivered: records.filter((r) => Number(r.attributes.ApproximateReceiveCount) > 1).length,
      succeeded: succeeded.length - deleteErrors,
      deadLettered: wholeBatchFailure ? 0 : deadLettered,
      failed: messages.length - succeeded.length,
      ...(wholeBatchFailure ? { wholeBatchFailure } : {}),
      deleteErrors,
      durationMs: Date.now() - started,
    });
  }

  async function loop(instance: number, handler: SqsHandler): Promise<void> {
    let backoffMs = 100;
    while (!stopped) {
      if (paused) {
        await resumed;
        continue;
      }
      let messages: Message[];
      try {
        messages = await receive();
        backoffMs = 100;
      } catch (error) {
        if (stopped) break;
        emit({ type: 'receive-error', instance, error: (error as Error)?.name ?? String(error) });
        await new Promise((resolve) => setTimeout(resolve, backoffMs));
        backoffMs = Math.min(MAX_RECEIVE_BACKOFF_MS, backoffMs * 2);
        continue;
      }
      if (stopped || paused) {
        // Received but never handed to a handler: back to the queue at once.
        await release(messages);
        continue;
      }
      if (messages.length === 0) continue;
      inFlight++;
      try {
        await invoke(instance, handler, messages);
      } finally {
        inFlight--;
        notifyIdle();
      }
    }
  }

  options.handlers.forEach((handler, instance) => {
    loops.push(loop(instance, handler));
  });

  return {
    get inFlight() {
      return inFlight;
    },
    async pause() {
      if (!paused) {
        paused = true;
        resumed = new Promise<void>((resolve) => {
          wake = resolve;
        });
      }
      await whenIdle();
    },
    resume() {
      if (!paused) return;
      paused = false;
      wake?.();
    },
    async stop(stopOptions = {}) {
      stopped = true;
      wake?.();
      if (stopOptions.abortReceives) receives.abort();
      if (stopOptions.abandon) {
        abandoned = true;
        return;
      }
      await Promise.all(loops);
    },
  };
}
