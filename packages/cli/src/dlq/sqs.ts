import { GetQueueAttributesCommand, type Message, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';

/**
 * One ReceiveMessage as every DLQ read does it: up to 10 messages (the SQS maximum), all system attributes (the
 * group id, the sent time) and all message attributes (the worker's reason).
 *
 * @example
 * const messages = await receiveBatch(client, dlqUrl, { visibilityTimeoutSeconds: 5, waitTimeSeconds: 1 });
 */
export async function receiveBatch(
  client: SQSClient,
  queueUrl: string,
  options: { visibilityTimeoutSeconds: number; waitTimeSeconds: number; maxMessages?: number },
): Promise<Message[]> {
  const out = await client.send(
    new ReceiveMessageCommand({
      QueueUrl: queueUrl,
      MaxNumberOfMessages: options.maxMessages ?? 10,
      VisibilityTimeout: options.visibilityTimeoutSeconds,
      WaitTimeSeconds: options.waitTimeSeconds,
      MessageSystemAttributeNames: ['All'],
      MessageAttributeNames: ['All'],
    }),
  );
  return out.Messages ?? [];
}

/** Approximate message counts of a queue. */
export interface QueueDepth {
  visible: number;
  inFlight: number;
  total: number;
}

/**
 * How many messages a queue holds (approximate, as SQS reports it).
 *
 * @example
 * const { total } = await queueDepth(client, dlqUrl);
 */
export async function queueDepth(client: SQSClient, queueUrl: string): Promise<QueueDepth> {
  const out = await client.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  const visible = Number(out.Attributes?.ApproximateNumberOfMessages ?? 0);
  const inFlight = Number(out.Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0);
  return { visible, inFlight, total: visible + inFlight };
}
