import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import {
  ChangeMessageVisibilityCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
} from '@aws-sdk/client-sqs';
import {
  createPipelineQueues,
  localDynamoDbClient,
  localSqsClient,
  startLocalDynamoDb,
  startLocalSqs,
} from '@idp-sync/local-stack';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

describe('local SQS (fauxqs)', () => {
  let sqs: Awaited<ReturnType<typeof startLocalSqs>>;
  beforeAll(async () => {
    sqs = await startLocalSqs();
  });
  afterAll(async () => {
    await sqs.stop();
  });

  it('binds loopback only', () => {
    expect(sqs.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('moves a message to the FIFO DLQ after maxReceiveCount receives', async () => {
    const client = localSqsClient(sqs);
    const { queueUrl, dlqUrl } = await createPipelineQueues(client, {
      queueName: 'redrive-test.fifo',
      dlqName: 'redrive-test-dlq.fifo',
      maxReceiveCount: 2,
    });
    await client.send(
      new SendMessageCommand({
        QueueUrl: queueUrl,
        MessageBody: '{"hello":1}',
        MessageGroupId: 'a@example.com',
        MessageDeduplicationId: 'd1',
      }),
    );
    for (let i = 0; i < 3; i++) {
      const out = await client.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, WaitTimeSeconds: 0 }));
      for (const m of out.Messages ?? []) {
        await client.send(
          new ChangeMessageVisibilityCommand({
            QueueUrl: queueUrl,
            ReceiptHandle: m.ReceiptHandle!,
            VisibilityTimeout: 0,
          }),
        );
      }
    }
    const attrs = await client.send(
      new GetQueueAttributesCommand({ QueueUrl: dlqUrl, AttributeNames: ['ApproximateNumberOfMessages'] }),
    );
    expect(attrs.Attributes?.ApproximateNumberOfMessages).toBe('1');
  });
});

describe('local DynamoDB (dynalite)', () => {
  it('answers the DynamoDB wire protocol on loopback', async () => {
    const ddb = await startLocalDynamoDb();
    try {
      expect(ddb.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const out = await localDynamoDbClient(ddb).send(new ListTablesCommand({}));
      expect(out.TableNames).toEqual([]);
    } finally {
      await ddb.stop();
    }
  });
});
