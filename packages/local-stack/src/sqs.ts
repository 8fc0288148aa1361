import type { AddressInfo } from 'node:net';
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { buildApp } from 'fauxqs';
import { DEFAULT_DLQ_NAME, DEFAULT_HOST, DEFAULT_QUEUE_NAME } from './defaults';
import { type LocalEndpoint, type LocalEndpointOptions, localClientConfig } from './local-endpoint';

/** A running SQS stand-in (fauxqs) on loopback. */
export type LocalSqs = LocalEndpoint;

export interface StartLocalSqsOptions extends LocalEndpointOptions {
  /**
   * The host named in queue URLs (`http://sqs.<region>.<queueUrlHost>:<port>/…`); defaults to `host`. Queue URLs are
   * identifiers only (clients always set `endpoint`), but some URL validators reject a numeric last label: `localhost`
   * gives URLs every parser accepts.
   */
  queueUrlHost?: string;
}

/**
 * Starts fauxqs (SQS wire protocol) on 127.0.0.1.
 *
 * `startFauxqs()` binds 0.0.0.0, so this builds the app and listens on the given host itself.
 *
 * @example
 * const sqs = await startLocalSqs();
 * const client = localSqsClient(sqs);
 * await sqs.stop();
 */
export async function startLocalSqs(options: StartLocalSqsOptions = {}): Promise<LocalSqs> {
  const host = options.host ?? DEFAULT_HOST;
  const region = options.region ?? 'us-east-1';
  // Queue URLs name this host; they are identifiers only (clients always set `endpoint`).
  const app = buildApp({ logger: false, host: options.queueUrlHost ?? host, defaultRegion: region });
  await app.listen({ host, port: options.port ?? 0 });
  const { port } = app.server.address() as AddressInfo;
  return {
    endpoint: `http://${host}:${port}`,
    region,
    stop: async () => {
      await app.close();
    },
  };
}

/** An SQS client for a local endpoint (see `localClientConfig`). */
export function localSqsClient(sqs: Pick<LocalSqs, 'endpoint' | 'region'>): SQSClient {
  return new SQSClient(localClientConfig(sqs));
}

export interface PipelineQueues {
  readonly queueUrl: string;
  readonly dlqUrl: string;
  readonly queueArn: string;
  readonly dlqArn: string;
}

export interface CreatePipelineQueuesOptions {
  queueName?: string;
  dlqName?: string;
  /** After this many receives SQS itself moves a message to the DLQ (the worker normally does it first, with a reason). */
  maxReceiveCount?: number;
  visibilityTimeoutSeconds?: number;
}

/**
 * Creates the FIFO work queue and its FIFO DLQ with a redrive policy, as the CDK stack does in AWS.
 *
 * @example
 * const { queueUrl, dlqUrl } = await createPipelineQueues(client, { maxReceiveCount: 5 });
 */
export async function createPipelineQueues(
  client: SQSClient,
  options: CreatePipelineQueuesOptions = {},
): Promise<PipelineQueues> {
  const queueName = options.queueName ?? DEFAULT_QUEUE_NAME;
  const dlqName = options.dlqName ?? DEFAULT_DLQ_NAME;
  const dlq = await client.send(
    new CreateQueueCommand({
      QueueName: dlqName,
      Attributes: { FifoQueue: 'true', MessageRetentionPeriod: String(14 * 24 * 3600) },
    }),
  );
  const dlqUrl = dlq.QueueUrl!;
  const dlqArn = await queueArnOf(client, dlqUrl);
  const queue = await client.send(
    new CreateQueueCommand({
      QueueName: queueName,
      Attributes: {
        FifoQueue: 'true',
        VisibilityTimeout: String(options.visibilityTimeoutSeconds ?? 30),
        RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: options.maxReceiveCount ?? 5 }),
      },
    }),
  );
  const queueUrl = queue.QueueUrl!;
  return { queueUrl, dlqUrl, queueArn: await queueArnOf(client, queueUrl), dlqArn };
}

async function queueArnOf(client: SQSClient, queueUrl: string): Promise<string> {
  const out = await client.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }));
  const arn = out.Attributes?.QueueArn;
  if (!arn) throw new Error(`SQS endpoint returned no QueueArn for ${queueUrl}`);
  return arn;
}
