import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { Logger, Metrics } from '@idp-sync/common';
import { DEFAULT_STATE_TABLE_NAME } from '@idp-sync/contracts';
import * as z from 'zod';
import { WorkerConfigError } from '../errors';
import { createGraceSweeper, type SweepReport } from '../grace/sweeper';

const blankToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const url = z.string().regex(/^https?:\/\/[^\s/]+(\/\S*)?$/, 'must be an absolute http(s) URL');

const SweeperEnvSchema = z.object({
  QUEUE_URL: z.preprocess(blankToUndefined, url.describe('the work queue').optional()),
  STATE_TABLE_NAME: z.preprocess(blankToUndefined, z.string().min(3).max(255).default(DEFAULT_STATE_TABLE_NAME)),
  AWS_REGION: z.preprocess(blankToUndefined, z.string().min(1).default('us-east-1')),
  SQS_ENDPOINT: z.preprocess(blankToUndefined, url.optional()),
  DYNAMODB_ENDPOINT: z.preprocess(blankToUndefined, url.optional()),
});

/** The grace sweeper's configuration: where due deletes go and where they wait. */
export interface GraceSweeperConfig {
  queueUrl: string;
  stateTableName: string;
  region: string;
  sqsEndpoint?: string;
  dynamoDbEndpoint?: string;
}

/**
 * Reads and validates the grace sweeper's environment (`QUEUE_URL`, `STATE_TABLE_NAME`, `AWS_REGION`), listing every
 * problem at once in a {@link WorkerConfigError}.
 *
 * @example
 * const config = loadGraceSweeperConfig({ QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/1/idp-sync.fifo' });
 */
export function loadGraceSweeperConfig(env: Record<string, string | undefined> = process.env): GraceSweeperConfig {
  const parsed = SweeperEnvSchema.safeParse(env);
  const problems = parsed.success
    ? []
    : parsed.error.issues.map((i) => `${i.path.join('.') || '(environment)'}: ${i.message}`);
  if (parsed.success && parsed.data.QUEUE_URL === undefined) {
    problems.push('QUEUE_URL: set it to the work queue (the FIFO queue the worker reads)');
  }
  if (!parsed.success || problems.length > 0) throw new WorkerConfigError(problems);
  const e = parsed.data;
  return {
    queueUrl: e.QUEUE_URL as string,
    stateTableName: e.STATE_TABLE_NAME,
    region: e.AWS_REGION,
    ...(e.SQS_ENDPOINT === undefined ? {} : { sqsEndpoint: e.SQS_ENDPOINT }),
    ...(e.DYNAMODB_ENDPOINT === undefined ? {} : { dynamoDbEndpoint: e.DYNAMODB_ENDPOINT }),
  };
}

/**
 * The grace sweeper with its AWS clients, built once per execution environment. Each `sweep` re-queues the deletes
 * whose grace period ended and logs one line with the counts (never an email).
 *
 * @example
 * const sweeper = createGraceSweeperRuntime({ config: loadGraceSweeperConfig(), logger, metrics });
 * export const handler = () => sweeper.sweep();
 */
export function createGraceSweeperRuntime(options: {
  config: GraceSweeperConfig;
  logger?: Logger;
  metrics?: Metrics;
}): { sweep(): Promise<SweepReport> } {
  const { config } = options;
  const sweeper = createGraceSweeper({
    dynamoClient: new DynamoDBClient({
      region: config.region,
      ...(config.dynamoDbEndpoint ? { endpoint: config.dynamoDbEndpoint } : {}),
    }),
    sqsClient: new SQSClient({
      region: config.region,
      ...(config.sqsEndpoint ? { endpoint: config.sqsEndpoint } : {}),
    }),
    queueUrl: config.queueUrl,
    tableName: config.stateTableName,
    ...(options.logger ? { logger: options.logger } : {}),
    ...(options.metrics ? { metrics: options.metrics } : {}),
  });
  return {
    async sweep() {
      const report = await sweeper.sweep();
      options.logger?.info('grace sweep done', { ...report });
      return report;
    },
  };
}
