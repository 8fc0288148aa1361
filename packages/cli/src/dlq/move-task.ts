import {
  CancelMessageMoveTaskCommand,
  ListMessageMoveTasksCommand,
  type ListMessageMoveTasksResultEntry,
  type SQSClient,
  StartMessageMoveTaskCommand,
} from '@aws-sdk/client-sqs';
import { abortableSleep } from './replay-pacer';

/** StartMessageMoveTask's documented ceiling for MaxNumberOfMessagesPerSecond. */
export const MOVE_TASK_MAX_RATE = 500;

export interface MoveTaskOptions {
  dlqArn: string;
  queueArn: string;
  /** MaxNumberOfMessagesPerSecond (1–500); SQS picks the rate when absent. */
  ratePerSecond?: number;
  pollIntervalMs?: number;
  /** Abort to cancel the task (messages already moved stay moved). */
  signal?: AbortSignal;
  onProgress?: (progress: { moved: number; toMove: number | undefined; status: string }) => void;
}

export type MoveTaskOutcome =
  | { kind: 'unsupported'; detail: string }
  | {
      kind: 'finished';
      status: string;
      moved: number;
      toMove: number | undefined;
      failureReason: string | undefined;
      cancelled: boolean;
    };

/**
 * Replays a whole DLQ with SQS's own StartMessageMoveTask (the console's "redrive"), then follows it with
 * ListMessageMoveTasks until it ends. When the endpoint does not implement it (fauxqs 1.9.2, other stand-ins) the
 * outcome is `unsupported` and the caller falls back to receive → send → delete.
 *
 * @example
 * const outcome = await runMoveTask(client, { dlqArn, queueArn });
 * if (outcome.kind === 'unsupported') await replayMessages(client, …);
 */
export async function runMoveTask(client: SQSClient, options: MoveTaskOptions): Promise<MoveTaskOutcome> {
  let handle: string | undefined;
  try {
    const out = await client.send(
      new StartMessageMoveTaskCommand({
        SourceArn: options.dlqArn,
        DestinationArn: options.queueArn,
        MaxNumberOfMessagesPerSecond: options.ratePerSecond,
      }),
    );
    handle = out.TaskHandle;
  } catch (error) {
    if (isUnknownAction(error)) return { kind: 'unsupported', detail: errorText(error) };
    if (errorName(error) === 'UnsupportedOperation') {
      // AWS also answers UnsupportedOperation when a task is already running: never start a second replay then.
      const running = await runningTask(client, options.dlqArn);
      if (running) throw new MoveTaskRunningError(running);
      return { kind: 'unsupported', detail: errorText(error) };
    }
    throw error;
  }

  const interval = options.pollIntervalMs ?? 1000;
  let cancelled = false;
  for (;;) {
    if (options.signal?.aborted && !cancelled && handle) {
      cancelled = true;
      await client.send(new CancelMessageMoveTaskCommand({ TaskHandle: handle }));
    }
    const task = await latestTask(client, options.dlqArn);
    const status = task?.Status ?? 'RUNNING';
    const moved = task?.ApproximateNumberOfMessagesMoved ?? 0;
    const toMove = task?.ApproximateNumberOfMessagesToMove;
    options.onProgress?.({ moved, toMove, status });
    if (status === 'COMPLETED' || status === 'FAILED' || status === 'CANCELLED') {
      return { kind: 'finished', status, moved, toMove, failureReason: task?.FailureReason, cancelled };
    }
    await abortableSleep(interval, cancelled ? undefined : options.signal);
  }
}

/** A move task is already running on the DLQ: a second replay must not run beside it. */
export class MoveTaskRunningError extends Error {
  constructor(readonly task: ListMessageMoveTasksResultEntry) {
    super(
      `a message move task is already running on this DLQ (${task.ApproximateNumberOfMessagesMoved ?? 0} of ` +
        `${task.ApproximateNumberOfMessagesToMove ?? '?'} moved)`,
    );
    this.name = 'MoveTaskRunningError';
  }
}

async function latestTask(client: SQSClient, dlqArn: string): Promise<ListMessageMoveTasksResultEntry | undefined> {
  const out = await client.send(new ListMessageMoveTasksCommand({ SourceArn: dlqArn, MaxResults: 1 }));
  return out.Results?.[0];
}

async function runningTask(client: SQSClient, dlqArn: string): Promise<ListMessageMoveTasksResultEntry | undefined> {
  try {
    const task = await latestTask(client, dlqArn);
    return task?.Status === 'RUNNING' || task?.Status === 'CANCELLING' ? task : undefined;
  } catch {
    return undefined;
  }
}

/** The endpoint does not know the action at all (a stand-in that predates message move tasks). */
function isUnknownAction(error: unknown): boolean {
  const name = errorName(error);
  if (name === 'InvalidAction' || name === 'UnknownOperationException' || name === 'NotImplemented') return true;
  return /unknown action|not (yet )?implemented|unknownoperation/i.test(errorText(error));
}

function errorName(error: unknown): string {
  return error instanceof Error ? error.name : '';
}

function errorText(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
