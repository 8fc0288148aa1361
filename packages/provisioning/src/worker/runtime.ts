import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { WorkerConfig } from './config';
import type { WorkerLogger } from './log';
import type { MetricsSink } from './metrics';
import { RateLimiter } from './rate-limiter';
import { resolveApiKey } from './secrets';
import { createWorkerUsersClient, type WorkerUsersClient } from './users-client';
import { type BatchReport, createWorker, type Worker } from './worker';

export interface WorkerRuntimeOptions {
  config: WorkerConfig;
  logger?: WorkerLogger;
  metrics?: MetricsSink;
  /** Default: a client for `SQS_ENDPOINT` (if set) in `AWS_REGION`. */
  sqsClient?: SQSClient;
  /** Default: a client for `DYNAMODB_ENDPOINT` (if set) in `AWS_REGION`. */
  dynamoClient?: DynamoDBClient;
  publishMetrics?: boolean;
}

/** A worker with everything around it: AWS clients, the rate limiter, and an API key that follows rotation. */
export interface WorkerRuntime {
  processBatch(event: SQSEvent, context?: Context): Promise<SQSBatchResponse>;
  processBatchWithReport(event: SQSEvent, context?: Context): Promise<BatchReport>;
  close(): Promise<void>;
}

/**
 * Everything the worker Lambda needs, built once per execution environment: SQS and DynamoDB clients, one rate
 * limiter for the process, and the Users API client for the current API key (re-read from Secrets Manager at most
 * every five minutes, at once after a 401; a changed key gets a new client, the limiter is kept).
 *
 * @example
 * const runtime = createWorkerRuntime({ config: loadWorkerConfig(), logger, metrics, publishMetrics: false });
 * export const handler = (event: SQSEvent, context: Context) => runtime.processBatch(event, context);
 */
export function createWorkerRuntime(options: WorkerRuntimeOptions): WorkerRuntime {
  const { config } = options;
  const sqsClient =
    options.sqsClient ??
    new SQSClient({ region: config.region, ...(config.sqsEndpoint ? { endpoint: config.sqsEndpoint } : {}) });
  const dynamoClient =
    options.dynamoClient ??
    new DynamoDBClient({
      region: config.region,
      ...(config.dynamoDbEndpoint ? { endpoint: config.dynamoDbEndpoint } : {}),
    });
  const limiter = new RateLimiter({ ratePerSecond: config.usersApiRps, burst: config.usersApiBurst });
  let current: { apiKey: string; users: WorkerUsersClient; worker: Worker } | undefined;
  let forceKeyFetch = false;

  async function workerForCurrentKey(): Promise<Worker> {
    const apiKey = await resolveApiKey(config, { forceFetch: forceKeyFetch });
    forceKeyFetch = false;
    if (current?.apiKey === apiKey) return current.worker;
    const previous = current;
    const users = createWorkerUsersClient(config, {
      apiKey,
      limiter,
      ...(options.logger ? { logger: options.logger } : {}),
    });
    const worker = createWorker({
      config,
      usersClient: users.client,
      limiter,
      sqsClient,
      dynamoClient,
      ...(options.logger ? { logger: options.logger } : {}),
      ...(options.metrics ? { metrics: options.metrics } : {}),
      ...(options.publishMetrics === undefined ? {} : { publishMetrics: options.publishMetrics }),
    });
    current = { apiKey, users, worker };
    // In-flight batches of the old client finish first; nothing else uses it.
    if (previous) void previous.users.close().catch(() => undefined);
    return worker;
  }

  async function processBatchWithReport(event: SQSEvent, context?: Context): Promise<BatchReport> {
    const worker = await workerForCurrentKey();
    const report = await worker.processBatchWithReport(event, context);
    if (
      report.outcomes.some(
        (o) => (o.kind === 'retry' || o.kind === 'dead-lettered') && o.errorClass === 'UnauthorizedError',
      )
    ) {
      forceKeyFetch = true;
    }
    return report;
  }

  return {
    processBatchWithReport,
    processBatch: async (event, context) => (await processBatchWithReport(event, context)).response,
    close: async () => {
      await current?.users.close();
      current = undefined;
    },
  };
}
