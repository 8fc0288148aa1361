import { randomUUID } from 'node:crypto';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { runCli } from '@idp-sync/cli';
import { createPipelineQueues, type LocalSqs, localSqsClient, startLocalSqs } from '@idp-sync/local-stack';
import { type CapturedIo, captureIo } from './dlq-messages';

/** One fauxqs per test file; each test gets its own pair of queues so tests never see each other's messages. */
export interface CliHarness {
  sqs: LocalSqs;
  client: SQSClient;
  env: NodeJS.ProcessEnv;
  stop(): Promise<void>;
}

export async function startHarness(): Promise<CliHarness> {
  const sqs = await startLocalSqs();
  return {
    sqs,
    client: localSqsClient(sqs),
    // Short polls: fauxqs is always consistent, and tests stay fast.
    env: { SQS_ENDPOINT: sqs.endpoint, IDP_SYNC_RECEIVE_WAIT_SECONDS: '0' },
    stop: () => sqs.stop(),
  };
}

export async function freshQueues(h: CliHarness) {
  const suffix = randomUUID().slice(0, 8);
  const queues = await createPipelineQueues(h.client, {
    queueName: `work-${suffix}.fifo`,
    dlqName: `dlq-${suffix}.fifo`,
  });
  return { ...queues, flags: ['--queue-url', queues.queueUrl, '--dlq-url', queues.dlqUrl] };
}

export interface CliRun extends CapturedIo {
  code: number;
}

/** Runs `idp-sync …` in-process against the harness. */
export async function cli(
  h: CliHarness,
  argv: string[],
  options: {
    stdinIsTTY?: boolean;
    answer?: string;
    signal?: AbortSignal;
    env?: NodeJS.ProcessEnv;
    stdoutColumns?: number;
    stderrColumns?: number;
  } = {},
): Promise<CliRun> {
  const captured = captureIo(options.env ?? h.env, options);
  if (options.answer !== undefined) captured.type(options.answer);
  const code = await runCli(argv, captured.io);
  return { ...captured, code };
}
