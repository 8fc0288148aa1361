import { loadConfig, resolveQueues } from '@idp-sync/cli';
import * as stack from '@idp-sync/local-stack';
import {
  DEFAULT_DLQ_NAME,
  DEFAULT_PORTS,
  DEFAULT_QUEUE_NAME,
  DEFAULT_SQS_ENDPOINT,
} from '@idp-sync/local-stack/defaults';
import { afterAll, describe, expect, it } from 'vitest';

describe('the CLI looks for the local stack where the local stack puts it', () => {
  const sqs = stack.startLocalSqs();
  afterAll(async () => (await sqs).stop());

  it('finds the queues createPipelineQueues makes by default, by their default names', async () => {
    const local = await sqs;
    const client = stack.localSqsClient(local);
    const created = await stack.createPipelineQueues(client);
    client.destroy();
    const resolved = await resolveQueues({ endpointUrl: local.endpoint }, loadConfig({}), { needQueue: true });
    resolved.client.destroy();
    expect(resolved.dlqUrl).toBe(created.dlqUrl);
    expect(resolved.queueUrl).toBe(created.queueUrl);
    expect(resolved.where).toBe(`the local stack at ${local.endpoint}`);
  });

  it('defaults to the SQS port of `npm start`, from the light `defaults` subpath the index re-exports', () => {
    expect(DEFAULT_SQS_ENDPOINT).toBe(`http://127.0.0.1:${DEFAULT_PORTS.sqs}`);
    expect(loadConfig({})).toMatchObject({
      IDP_SYNC_QUEUE_NAME: DEFAULT_QUEUE_NAME,
      IDP_SYNC_DLQ_NAME: DEFAULT_DLQ_NAME,
    });
    expect(stack.loadLocalStackConfig({}).sqsPort).toBe(DEFAULT_PORTS.sqs);
    expect(stack.DEFAULT_SQS_ENDPOINT).toBe(DEFAULT_SQS_ENDPOINT);
    expect(stack.DEFAULT_QUEUE_NAME).toBe(DEFAULT_QUEUE_NAME);
  });
});
