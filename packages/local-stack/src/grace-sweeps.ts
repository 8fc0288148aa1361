import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { redactEmailsIn } from '@idp-sync/common';
import { createGraceSweeper, type SweepReport } from '@idp-sync/worker/grace';

/** How often the local stack sweeps when not told otherwise: seconds, where AWS's rule runs every minute. */
export const DEFAULT_LOCAL_GRACE_SWEEP_SECONDS = 10;

/** The local stand-in of the scheduled grace sweeper: the same code on a timer. */
export interface LocalGraceSweeps {
  /** One sweep now (tests, the demo); waits for a sweep already running instead of racing it. */
  sweepNow(): Promise<SweepReport>;
  stop(): Promise<void>;
}

/**
 * Runs the grace sweeper every `intervalSeconds` (the timer does not keep the process alive). A failed sweep is
 * reported through `onError` and tried again at the next tick, as the Lambda is by its next scheduled run.
 *
 * @example
 * const sweeps = startLocalGraceSweeps({ sqsClient, dynamoClient, queueUrl, tableName, intervalSeconds: 10 });
 * await sweeps.sweepNow();
 */
export function startLocalGraceSweeps(options: {
  sqsClient: SQSClient;
  dynamoClient: DynamoDBClient;
  queueUrl: string;
  tableName: string;
  intervalSeconds: number;
  onSweep?: (report: SweepReport) => void;
  onError?: (message: string) => void;
}): LocalGraceSweeps {
  const sweeper = createGraceSweeper({
    dynamoClient: options.dynamoClient,
    sqsClient: options.sqsClient,
    queueUrl: options.queueUrl,
    tableName: options.tableName,
  });
  let running: Promise<SweepReport> | undefined;
  let stopped = false;
  const sweepNow = (): Promise<SweepReport> => {
    running ??= sweeper.sweep().finally(() => {
      running = undefined;
    });
    return running;
  };
  const timer = setInterval(() => {
    if (stopped || running !== undefined) return;
    sweepNow().then(
      (report) => options.onSweep?.(report),
      (error: unknown) =>
        options.onError?.(
          `grace sweep failed (tried again in ${options.intervalSeconds} s): ${redactEmailsIn(String((error as Error)?.message))}`,
        ),
    );
  }, options.intervalSeconds * 1000);
  timer.unref();
  return {
    sweepNow,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running?.catch(() => undefined);
    },
  };
}
