import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { Logger } from '@idp-sync/common';
import { UnauthorizedError, type UsersClient } from '@idp-sync/users-client';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { UsersApiRateLimiter } from '../batch/users-api-rate-limiter';
import { type BatchReport, createWorker } from '../batch/worker';
import type { WorkerMetrics } from '../metrics';
import type { WorkerConfig } from './config';
import { resolveApiKey } from './secrets';
import { createWorkerUsersClient, type WorkerUsersClient } from './users-client';

export interface WorkerRuntimeOptions {
  config: WorkerConfig;
  logger?: Logger;
  metrics?: WorkerMetrics;
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
 * limiter for the process, and a Users API client for the current API key — re-read from Secrets Manager at most
 * every five minutes and at once after a 401; a changed key gets a new client, the limiter is kept.
 *
 * The key is resolved when a command first needs the API, not before the batch: if Secrets Manager is unreachable,
 * that is a transient failure of each command (retried with backoff, dead-lettered with its reason on the last
 * receive) rather than a thrown batch that SQS would eventually dead-letter without a reason.
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
  const limiter = new UsersApiRateLimiter({ ratePerSecond: config.usersApiRps, burst: config.usersApiBurst });
  let current: { apiKey: string; users: WorkerUsersClient } | undefined;
  let forceKeyFetch = false;

  async function currentClient(): Promise<UsersClient> {
    const apiKey = await resolveApiKey(config, { forceFetch: forceKeyFetch });
    forceKeyFetch = false;
    if (current?.apiKey === apiKey) return current.users.client;
    const previous = current;
    current = {
      apiKey,
      users: createWorkerUsersClient(config, {
        apiKey,
        limiter,
        ...(options.logger ? { logger: options.logger } : {}),
      }),
    };
    // Calls still running on the old client finish first (close waits for them); nothing new goes to it.
    if (previous) void previous.users.close().catch(() => undefined);
    return current.users.client;
  }

  // Each call goes to the client for the key current at that moment.
  const users = new Proxy({} as UsersClient['users'], {
    get:
      (_target, property) =>
      async (...args: unknown[]) => {
        const client = await currentClient();
        const method = Reflect.get(client.users, property) as (...a: unknown[]) => Promise<unknown>;
        try {
          return await method(...args);
        } catch (error) {
          if (error instanceof UnauthorizedError) forceKeyFetch = true;
          throw error;
        }
      },
  });

  const worker = createWorker({
    config,
    usersClient: { users },
    limiter,
    sqsClient,
    dynamoClient,
    ...(options.logger ? { logger: options.logger } : {}),
    ...(options.metrics ? { metrics: options.metrics } : {}),
    ...(options.publishMetrics === undefined ? {} : { publishMetrics: options.publishMetrics }),
  });

  return {
    processBatchWithReport: (event, context) => worker.processBatchWithReport(event, context),
    processBatch: (event, context) => worker.processBatch(event, context),
    close: async () => {
      await current?.users.close();
      current = undefined;
    },
  };
}
