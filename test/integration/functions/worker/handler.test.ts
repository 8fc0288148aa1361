import { BATCH_COUNTS } from '@idp-sync/worker';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { pipeline, TABLE_NAME, useWorkerStack } from '../../../helpers/worker/harness';
import { command, sqsEvent, sqsRecord } from '../../../helpers/worker/records';

const stack = useWorkerStack({ resetEmulatorBeforeEach: false });
const context = {
  functionName: 'idp-sync-worker',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:idp-sync-worker',
  memoryLimitInMB: '512',
  awsRequestId: 'req-1',
  logGroupName: '/aws/lambda/idp-sync-worker',
  logStreamName: 'stream',
  callbackWaitsForEmptyEventLoop: false,
  getRemainingTimeInMillis: () => 30_000,
  done: () => undefined,
  fail: () => undefined,
  succeed: () => undefined,
} as Context;

afterAll(() => {
  vi.unstubAllEnvs();
});

describe('functions/worker handler', () => {
  it('fails at load with a message naming what to set', async () => {
    vi.resetModules();
    vi.stubEnv('DLQ_URL', '');
    vi.stubEnv('ARIZE_API_KEY', '');
    await expect(import('@idp-sync/worker-function/handler')).rejects.toThrow(/DLQ_URL.*ARIZE_API_KEY/s);
  });

  it('applies a batch through Powertools logging and metrics: structured, correlated, emails redacted', async () => {
    const p = await pipeline(stack());
    vi.resetModules();
    for (const [k, v] of Object.entries({
      QUEUE_URL: p.queues.queueUrl,
      DLQ_URL: p.queues.dlqUrl,
      STATE_TABLE_NAME: TABLE_NAME,
      SQS_ENDPOINT: stack().sqs.endpoint,
      DYNAMODB_ENDPOINT: stack().ddb.endpoint,
      AWS_REGION: stack().sqs.region,
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      ARIZE_BASE_URL: stack().emulator.url,
      ARIZE_API_KEY: stack().emulator.apiKey,
      USERS_API_RPS: '100',
      POWERTOOLS_METRICS_NAMESPACE: 'IdpSyncTest',
    })) {
      vi.stubEnv(k, v);
    }
    const written: string[] = [];
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
    const { handler } = (await import('@idp-sync/worker-function/handler')) as {
      handler: (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;
    };
    const joiner = command({ action: 'create', email: 'grace.hopper@example.com', name: 'Grace' });
    const ghost = command({ action: 'update', email: 'no.such.person@example.com', name: 'X' });
    let response: SQSBatchResponse;
    try {
      response = await handler(sqsEvent([sqsRecord(joiner), sqsRecord(ghost)]), context);
    } finally {
      spy.mockRestore();
    }
    expect(response.batchItemFailures).toEqual([]);
    // Through the middy middlewares, the counts the local stack's batch line reads are still there (issue #19).
    expect((response as { [BATCH_COUNTS]?: unknown })[BATCH_COUNTS]).toEqual({ deadLettered: 1 });
    expect(stack().emulator.state.findByEmail('grace.hopper@example.com')?.status).toBe('INVITED');
    expect((await p.deadLetters())[0]?.attributes.errorClass).toBe('UserNotFound');

    const output = written.join('');
    expect(output).not.toMatch(/grace\.hopper@/);
    expect(output).not.toMatch(/no\.such\.person@/);
    const lines = output
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const applied = lines.find((l) => l.message === 'command applied');
    expect(applied).toMatchObject({
      correlation_id: joiner.id,
      person: 'g***@example.com',
      service: 'idp-sync-worker',
    });
    const emf = lines.filter((l) => typeof l._aws === 'object');
    expect(JSON.stringify(emf)).toMatch(/CommandsApplied/);
    expect(JSON.stringify(emf)).toMatch(/SentToDlq/);
    expect(JSON.stringify(emf)).toMatch(/UsersApiCalls/);
    await p.close();
  });
});
