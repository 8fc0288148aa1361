import type { Logger } from '@idp-sync/common';
import { createUsersClient, type UsersClient } from '@idp-sync/users-client';
import { createRateLimitedDispatcher, limitUsersApi } from '../batch/dispatcher';
import { UsersApiRateLimiter } from '../batch/users-api-rate-limiter';
import type { WorkerConfig } from './config';

/** A Users API client whose every HTTP request goes through the worker's shared rate limiter. */
export interface WorkerUsersClient {
  client: UsersClient;
  limiter: UsersApiRateLimiter;
  /** Closes the client and its rate-limited connection pool. */
  close(): Promise<void>;
}

/**
 * Builds the worker's Users API client: requests pass through a {@link UsersApiRateLimiter} at `USERS_API_RPS` (paused by a
 * 429's Retry-After, slowed by repeated 429s); transport retries are kept small (`USERS_API_RETRY_ATTEMPTS` within
 * `USERS_API_RETRY_BUDGET_MS`, a Retry-After above two seconds is not waited out) because SQS redelivery with a
 * growing visibility timeout is the worker's long-range retry.
 *
 * @example
 * const { client, limiter, close } = createWorkerUsersClient(config, { apiKey: 'k' });
 * const worker = createWorker({ config, usersClient: client, limiter, sqsClient, dynamoClient });
 */
export function createWorkerUsersClient(
  config: WorkerConfig,
  options: { apiKey: string; limiter?: UsersApiRateLimiter; logger?: Logger; connections?: number },
): WorkerUsersClient {
  const limiter =
    options.limiter ?? new UsersApiRateLimiter({ ratePerSecond: config.usersApiRps, burst: config.usersApiBurst });
  const pool = createRateLimitedDispatcher(limiter, { connections: options.connections ?? 16 });
  const logger = options.logger;
  const raw = createUsersClient({
    apiKey: options.apiKey,
    ...(config.arizeBaseUrl === undefined ? {} : { baseUrl: config.arizeBaseUrl }),
    timeoutMs: config.usersApiTimeoutMs,
    retry: {
      maxAttempts: config.usersApiRetryAttempts,
      baseDelayMs: 200,
      maxDelayMs: Math.min(2_000, config.usersApiRetryBudgetMs),
      budgetMs: Math.max(1, config.usersApiRetryBudgetMs),
    },
    dispatcher: pool.dispatcher,
    userAgent: 'idp-sync-worker/0.1.0',
    ...(logger === undefined
      ? {}
      : {
          logger: {
            warn: (message: string) => logger.warn(message),
            debug: (m: string, d?: object) => logger.debug(m, { ...(d ?? {}) }),
          },
        }),
  });
  const client: UsersClient = {
    users: limitUsersApi(raw.users, limiter),
    baseUrl: raw.baseUrl,
    close: () => raw.close(),
  };
  return {
    client,
    limiter,
    close: async () => {
      await client.close();
      await pool.close();
    },
  };
}
