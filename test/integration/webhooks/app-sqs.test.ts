import { createHash } from 'node:crypto';
import { DeleteMessageBatchCommand, type Message, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { commandFingerprint, type ProvisioningCommand } from '@idp-sync/contracts';
import { createMemoryMetrics } from '@idp-sync/http/observability';
import {
  createPipelineQueues,
  type LocalSqs,
  localSqsClient,
  type PipelineQueues,
  startLocalSqs,
} from '@idp-sync/local-stack';
import { createIngestApp, type IngestApp } from '@idp-sync/webhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OKTA_DEACTIVATE_LOG_EVENT, OKTA_DEACTIVATE_LOG_EVENT_EXPECTED } from '../../fixtures/okta';
import { fixtureCases, VENDOR_SAMPLES } from '../../helpers/vendor-fixtures';
import {
  bambooRequest,
  bodyOf,
  hrRequest,
  NOW_MS,
  oktaRequest,
  oktaUserEvent,
  testConfig,
  workosRequest,
  workosUserEvent,
} from '../../helpers/webhooks';

const oktaDeactivations = fixtureCases(
  { value: OKTA_DEACTIVATE_LOG_EVENT as object, expected: OKTA_DEACTIVATE_LOG_EVENT_EXPECTED },
  {
    sample: VENDOR_SAMPLES.oktaDeactivateLogEvent,
    expected: {
      ...OKTA_DEACTIVATE_LOG_EVENT_EXPECTED,
      id: 'okta:ab62c0bc-2837-11eb-9823-9fb8f750c5a9',
      email: 'john.doe@example.com',
    },
  },
);

let sqs: LocalSqs;
let client: SQSClient;
let queues: PipelineQueues;
let app: IngestApp;
const metrics = createMemoryMetrics();

beforeAll(async () => {
  sqs = await startLocalSqs();
  client = localSqsClient(sqs);
  queues = await createPipelineQueues(client);
  app = createIngestApp({
    config: testConfig({ queueUrl: queues.queueUrl, sqsEndpoint: sqs.endpoint }),
    sqsClient: client,
    metrics,
    now: () => NOW_MS,
  });
});

afterAll(async () => {
  client?.destroy();
  await sqs?.stop();
});

/** Receives up to `expected` messages (hidden for 5 minutes, so each test sees only its own). */
async function drain(expected: number, polls = 50): Promise<Message[]> {
  const messages: Message[] = [];
  for (let i = 0; i < polls && messages.length < expected; i++) {
    const out = await client.send(
      new ReceiveMessageCommand({
        QueueUrl: queues.queueUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 0,
        VisibilityTimeout: 300,
        MessageSystemAttributeNames: ['MessageGroupId', 'MessageDeduplicationId'],
      }),
    );
    messages.push(...(out.Messages ?? []));
    if (!out.Messages?.length) await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return messages;
}

function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

function expectQueued(message: Message, expected: Partial<ProvisioningCommand>): ProvisioningCommand {
  const command = JSON.parse(message.Body ?? '') as ProvisioningCommand;
  expect(command).toMatchObject(expected);
  expect(message.Attributes?.MessageGroupId).toBe(command.email);
  expect(message.Attributes?.MessageDeduplicationId).toBe(sha256(`${command.id}\u0000${commandFingerprint(command)}`));
  return command;
}

describe('ingest → SQS FIFO (fauxqs)', () => {
  oktaDeactivations.forEach((okta, run) => {
    it.skipIf(!okta.present)(
      `queues one message per command for every source, grouped by person, deduplicated by command id (Okta: ${okta.from})`,
      async () => {
        // Each run's ids differ, so that SQS's deduplication window does not merge two runs.
        const queuedBefore = metrics.total('CommandsQueued');
        const responses = await Promise.all([
          app.handle(oktaRequest([okta.load()])),
          app.handle(
            hrRequest(
              {
                type: 'user.joined',
                timestamp: '2026-11-26T09:59:00Z',
                data: { email: 'Ada@Example.com', name: 'Ada' },
              },
              { id: `msg_join_ada_${run}` },
            ),
          ),
          app.handle(
            workosRequest(
              workosUserEvent({ event: 'dsync.user.updated', state: 'inactive', id: `event_leave_lela_${run}` }),
            ),
          ),
          app.handle(
            bambooRequest({
              employees: [
                {
                  id: `7${run}`,
                  action: 'Created',
                  timestamp: '2026-11-26T09:58:00+0000',
                  changedFields: [],
                  fields: { workEmail: 'bo@example.com', firstName: 'Bo' },
                },
              ],
            }),
          ),
        ]);
        expect(responses.map((r) => r.statusCode)).toEqual([200, 202, 202, 202]);

        const messages = await drain(4);
        expect(messages).toHaveLength(4);
        const byEmail = new Map(messages.map((m) => [JSON.parse(m.Body ?? '{}').email as string, m]));
        expectQueued(byEmail.get(okta.expected.email)!, { id: okta.expected.id, action: 'delete', source: 'okta' });
        expectQueued(byEmail.get('ada@example.com')!, {
          id: `hr:msg_join_ada_${run}`,
          action: 'create',
          name: 'Ada',
          role: 'MEMBER',
        });
        expectQueued(byEmail.get('lela.block@example.com')!, {
          id: `workos:event_leave_lela_${run}`,
          action: 'delete',
        });
        const bamboo = expectQueued(byEmail.get('bo@example.com')!, {
          action: 'create',
          source: 'bamboohr',
          name: 'Bo',
        });
        expect(bamboo.id).toMatch(/^bamboohr:[0-9a-f]{64}$/);
        expect(metrics.total('CommandsQueued') - queuedBefore).toBe(4);
        // Consumed, so that the next run's messages for the same people are not held behind them in their groups.
        await client.send(
          new DeleteMessageBatchCommand({
            QueueUrl: queues.queueUrl,
            Entries: messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })),
          }),
        );
      },
    );
  });

  it('lets SQS drop a redelivery inside the deduplication window', async () => {
    const request = hrRequest(
      { type: 'user.left', timestamp: '2026-11-26T09:59:00Z', data: { email: 'twice@example.com' } },
      { id: 'msg_twice' },
    );
    expect((await app.handle(request)).statusCode).toBe(202);
    expect((await app.handle(request)).statusCode).toBe(202);
    const messages = await drain(2, 8);
    expect(messages.map((m) => JSON.parse(m.Body ?? '{}').id)).toEqual(['hr:msg_twice']);
  });

  it('answers only after every command of a bulk leave is on the queue', async () => {
    const emails = Array.from({ length: 95 }, (_, i) => `leaver${i}@example.com`);
    const response = await app.handle(
      hrRequest({ type: 'users.left', timestamp: '2026-11-26T09:59:00Z', data: { emails } }, { id: 'msg_bulk' }),
    );
    expect(response.statusCode).toBe(202);
    expect(bodyOf(response)).toEqual({ queued: 95, ignored: 0 });
    const messages = await drain(95);
    expect(new Set(messages.map((m) => m.Attributes?.MessageGroupId))).toEqual(new Set(emails));
  });

  it('answers 503, never a 2xx, when the queue does not exist', async () => {
    const broken = createIngestApp({
      config: testConfig({
        queueUrl: `${queues.queueUrl.replace(/[^/]+$/, '')}missing-queue.fifo`,
        sqsEndpoint: sqs.endpoint,
      }),
      sqsClient: client,
      now: () => NOW_MS,
    });
    const response = await broken.handle(
      oktaRequest([oktaUserEvent({ eventType: 'user.lifecycle.create', email: 'lost@example.com' })]),
    );
    expect(response.statusCode).toBe(503);
    expect(response.headers['retry-after']).toBeDefined();
    expect(bodyOf(response)).toMatchObject({ status: 503, title: 'Service Unavailable' });
  });

  it('answers 503 when the SQS endpoint is down', async () => {
    const down = await startLocalSqs();
    const downClient = localSqsClient(down);
    const downQueues = await createPipelineQueues(downClient);
    await down.stop();
    const stranded = createIngestApp({
      config: testConfig({ queueUrl: downQueues.queueUrl, sqsEndpoint: down.endpoint, sqsSendAttempts: 2 }),
      sqsClient: downClient,
      now: () => NOW_MS,
    });
    const response = await stranded.handle(
      hrRequest({ type: 'user.left', timestamp: '2026-11-26T09:59:00Z', data: { email: 'stranded@example.com' } }),
    );
    expect(response.statusCode).toBe(503);
    downClient.destroy();
  });
});
