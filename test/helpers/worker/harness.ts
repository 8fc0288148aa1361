import { randomUUID } from 'node:crypto';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DeleteMessageBatchCommand,
  type Message,
  PurgeQueueCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { Logger } from '@idp-sync/common';
import { createStateTable, type ProvisioningCommand } from '@idp-sync/contracts';
import { toCommandMessage } from '@idp-sync/contracts/command';
import {
  createPipelineQueues,
  type LocalDynamoDb,
  type LocalSqs,
  localDynamoDbClient,
  localSqsClient,
  type PipelineQueues,
  startLocalDynamoDb,
  startLocalSqs,
} from '@idp-sync/local-stack';
import {
  startUsersApiEmulator,
  type UsersApiEmulator,
  type UsersApiEmulatorOptions,
} from '@idp-sync/users-api-emulator';
import { sqsMessageToRecord } from '@idp-sync/worker';
import { type BatchReport, createWorker, type Worker, type WorkerMetrics } from '@idp-sync/worker/batch';
import { NO_GRACE_PERIODS } from '@idp-sync/worker/grace';
import { createWorkerUsersClient, type WorkerConfig, type WorkerUsersClient } from '@idp-sync/worker/lambda';
import { PersonStateRepository } from '@idp-sync/worker/state';
import type { SQSRecord } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach } from 'vitest';

export const TABLE_NAME = 'idp-sync-state';

/** The local stand-ins the worker talks to: fauxqs, dynalite and the Users API emulator, all on 127.0.0.1. */
export interface WorkerStack {
  emulator: UsersApiEmulator;
  sqs: LocalSqs;
  ddb: LocalDynamoDb;
  sqsClient: SQSClient;
  dynamoClient: DynamoDBClient;
  state: PersonStateRepository;
  stop(): Promise<void>;
}

/**
 * Starts fauxqs, dynalite (with the state table) and the emulator.
 *
 * @example
 * const stack = await startWorkerStack();
 * const pipeline = await stack.pipeline();
 */
export async function startWorkerStack(emulatorOptions: UsersApiEmulatorOptions = {}): Promise<WorkerStack> {
  const [emulator, sqs, ddb] = await Promise.all([
    startUsersApiEmulator(emulatorOptions),
    startLocalSqs(),
    startLocalDynamoDb(),
  ]);
  const sqsClient = localSqsClient(sqs);
  const dynamoClient = localDynamoDbClient(ddb);
  await createStateTable(dynamoClient, TABLE_NAME);
  return {
    emulator,
    sqs,
    ddb,
    sqsClient,
    dynamoClient,
    state: new PersonStateRepository({ client: dynamoClient, tableName: TABLE_NAME }),
    stop: async () => {
      sqsClient.destroy();
      dynamoClient.destroy();
      await Promise.all([emulator.stop(), sqs.stop(), ddb.stop()]);
    },
  };
}

/**
 * Starts the stack once for the test file (`beforeAll`), stops it after the file (`afterAll`) and, unless told
 * otherwise, resets the emulator before each test. Returns an accessor: the stack exists only once `beforeAll` ran.
 *
 * @example
 * const stack = useWorkerStack();
 * it('…', async () => {
 *   const p = await pipeline(stack());
 * });
 */
export function useWorkerStack(options: { resetEmulatorBeforeEach?: boolean } = {}): () => WorkerStack {
  let stack: WorkerStack | undefined;
  beforeAll(async () => {
    stack = await startWorkerStack();
  });
  afterAll(async () => {
    await stack?.stop();
  });
  if (options.resetEmulatorBeforeEach ?? true) {
    beforeEach(() => {
      stack?.emulator.reset();
    });
  }
  return () => {
    if (!stack) throw new Error('the worker stack starts in beforeAll: call the accessor inside a test or hook');
    return stack;
  };
}

/** A DLQ message with its attributes flattened to strings. */
export interface DeadLetter {
  body: string;
  groupId?: string;
  attributes: Record<string, string>;
}

/** A fresh queue pair and a worker on it. */
export interface Pipeline {
  queues: PipelineQueues;
  config: WorkerConfig;
  users: WorkerUsersClient;
  worker: Worker;
  /** Sends commands to the work queue as ingest does. */
  enqueue(commands: ProvisioningCommand[]): Promise<void>;
  /** Receives up to ten messages as Lambda records (what the event source hands the function). */
  receive(visibilityTimeoutSeconds?: number): Promise<SQSRecord[]>;
  /**
   * Receives one batch, processes it and deletes what succeeded (as the Lambda event source does); undefined when
   * nothing was visible. fauxqs 1.9.2 hands out one message per FIFO group per receive (real SQS gives several in
   * order), so tests that need several commands of one person in a batch build the records with `sqsRecord`.
   */
  processNext(): Promise<BatchReport | undefined>;
  /** Everything in the DLQ (received and made visible again, so it stays there). */
  deadLetters(): Promise<DeadLetter[]>;
  close(): Promise<void>;
}

export interface PipelineOptions {
  config?: Partial<WorkerConfig>;
  logger?: Logger;
  metrics?: WorkerMetrics;
  now?: () => Date;
  random?: () => number;
}

/**
 * Creates a uniquely named FIFO queue and DLQ, and a worker wired to them, the state table and the emulator.
 *
 * @example
 * const p = await pipeline(stack, { config: { usersApiRps: 50 } });
 * await p.enqueue([command()]);
 * const report = await p.processNext();
 */
export async function pipeline(stack: WorkerStack, options: PipelineOptions = {}): Promise<Pipeline> {
  const name = `w-${randomUUID().slice(0, 8)}`;
  const queues = await createPipelineQueues(stack.sqsClient, {
    queueName: `${name}.fifo`,
    dlqName: `${name}-dlq.fifo`,
    // The worker dead-letters on its last allowed receive itself; SQS's redrive is only the safety net.
    maxReceiveCount: 10,
    visibilityTimeoutSeconds: 30,
  });
  const config: WorkerConfig = {
    queueUrl: queues.queueUrl,
    dlqUrl: queues.dlqUrl,
    stateTableName: TABLE_NAME,
    maxReceiveCount: 5,
    usersApiRps: 500,
    usersApiBurst: 2,
    concurrency: 5,
    idempotencyTtlSeconds: 3600,
    arizeBaseUrl: stack.emulator.url,
    arizeApiKey: stack.emulator.apiKey,
    region: stack.sqs.region,
    defaultRole: 'MEMBER',
    defaultInviteMode: 'EMAIL_LINK',
    usersApiTimeoutMs: 5000,
    usersApiRetryAttempts: 3,
    usersApiRetryBudgetMs: 3000,
    visibilityBaseSeconds: 30,
    visibilityMaxSeconds: 900,
    processingTimeoutMs: 25_000,
    // On, as in AWS, so every test runs deletes through the guard; a limit no test reaches (the tests of a file share
    // one table, so one guard). test/integration/worker/deletion-guard.test.ts sets its own limits.
    deletionGuard: { enabled: true, windowMinutes: 60, floor: 100_000, percent: 0 },
    gracePeriods: NO_GRACE_PERIODS,
    rolePolicy: [],
    roleSettleSeconds: 0,
    ...options.config,
  };
  const users = createWorkerUsersClient(config, { apiKey: stack.emulator.apiKey });
  const worker = createWorker({
    config,
    usersClient: users.client,
    limiter: users.limiter,
    sqsClient: stack.sqsClient,
    dynamoClient: stack.dynamoClient,
    ...(options.logger ? { logger: options.logger } : {}),
    ...(options.metrics ? { metrics: options.metrics } : {}),
    ...(options.now ? { now: options.now } : {}),
    ...(options.random ? { random: options.random } : {}),
  });

  const receiveRaw = async (queueUrl: string, visibilityTimeout?: number): Promise<Message[]> => {
    const out = await stack.sqsClient.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 0,
        MessageSystemAttributeNames: ['All'],
        MessageAttributeNames: ['All'],
        ...(visibilityTimeout === undefined ? {} : { VisibilityTimeout: visibilityTimeout }),
      }),
    );
    return out.Messages ?? [];
  };

  const receive = async (visibilityTimeoutSeconds?: number) =>
    (await receiveRaw(queues.queueUrl, visibilityTimeoutSeconds)).map((m) =>
      sqsMessageToRecord(m, { queueArn: queues.queueArn, region: stack.sqs.region }),
    );

  return {
    queues,
    config,
    users,
    worker,
    enqueue: async (commands) => {
      for (let i = 0; i < commands.length; i += 10) {
        const entries = commands.slice(i, i + 10).map((c, j) => ({ Id: String(j), ...toCommandMessage(c) }));
        const out = await stack.sqsClient.send(
          new SendMessageBatchCommand({ QueueUrl: queues.queueUrl, Entries: entries }),
        );
        if ((out.Failed ?? []).length > 0) throw new Error(`enqueue failed: ${JSON.stringify(out.Failed)}`);
      }
    },
    receive,
    processNext: async () => {
      const records = await receive();
      if (records.length === 0) return undefined;
      const report = await worker.processBatchWithReport({ Records: records });
      // What the Lambda event source does with a partial batch response: delete everything not reported failed.
      const failed = new Set(report.response.batchItemFailures.map((f) => f.itemIdentifier));
      const done = records.filter((r) => !failed.has(r.messageId));
      if (done.length > 0) {
        await stack.sqsClient.send(
          new DeleteMessageBatchCommand({
            QueueUrl: queues.queueUrl,
            Entries: done.map((r, i) => ({ Id: String(i), ReceiptHandle: r.receiptHandle })),
          }),
        );
      }
      return report;
    },
    deadLetters: async () => {
      const all: DeadLetter[] = [];
      for (;;) {
        const batch = await receiveRaw(queues.dlqUrl, 60);
        if (batch.length === 0) break;
        for (const m of batch) {
          const attributes: Record<string, string> = {};
          for (const [k, v] of Object.entries(m.MessageAttributes ?? {})) attributes[k] = v.StringValue ?? '';
          all.push({
            body: m.Body ?? '',
            ...(m.Attributes?.MessageGroupId ? { groupId: m.Attributes.MessageGroupId } : {}),
            attributes,
          });
        }
      }
      return all;
    },
    close: async () => {
      await users.close();
      await stack.sqsClient.send(new PurgeQueueCommand({ QueueUrl: queues.queueUrl })).catch(() => undefined);
    },
  };
}

/** Calls per emulator operation (`users.list`, `users.delete`, …), 0 when absent. */
export function callsOf(emulator: UsersApiEmulator): (operation: string) => number {
  const snapshot = emulator.counters();
  return (operation) => snapshot.byOperation[operation]?.total ?? 0;
}

/** A logger that keeps entries, to assert what was logged (and what never was). */
export function recordingLogger(): Logger & {
  entries: Array<{ level: string; message: string; extra: object }>;
} {
  const entries: Array<{ level: string; message: string; extra: object }> = [];
  const at =
    (level: string) =>
    (message: string, ...extra: Record<string, unknown>[]) =>
      void entries.push({ level, message, extra: Object.assign({}, ...extra) });
  return { entries, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}
