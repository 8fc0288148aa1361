import { afterAll, describe, expect, it, vi } from 'vitest';
import { pipeline, useWorkerStack } from '../../helpers/worker/harness';
import { command, sqsEvent, sqsRecord } from '../../helpers/worker/records';

// The worker runtime (what functions/worker runs per batch) against the local stand-ins; the handler itself, with
// Powertools: test/integration/functions/worker/handler.test.ts.

const stack = useWorkerStack({ resetEmulatorBeforeEach: false });
afterAll(() => {
  vi.unstubAllEnvs();
});

describe('worker runtime', () => {
  it('turns an unreachable API-key secret into per-command transient failures with a reason, not a thrown batch', async () => {
    stack().emulator.reset();
    const p = await pipeline(stack());
    vi.stubEnv('AWS_ENDPOINT_URL_SECRETS_MANAGER', 'http://127.0.0.1:9'); // nothing listens: connection refused
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'local');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'local');
    vi.stubEnv('AWS_MAX_ATTEMPTS', '1');
    const { createWorkerRuntime } = await import('@idp-sync/worker');
    const runtime = createWorkerRuntime({
      config: {
        ...p.config,
        arizeApiKey: undefined,
        arizeApiKeySecretArn: 'arn:aws:secretsmanager:us-east-1:000000000000:secret:arize-api-key',
      },
      sqsClient: stack().sqsClient,
      dynamoClient: stack().dynamoClient,
    });
    const early = command({ email: 'early@example.com' });
    const last = command({ email: 'last@example.com' });
    const report = await runtime.processBatchWithReport(
      sqsEvent([sqsRecord(early, { receiveCount: 1 }), sqsRecord(last, { receiveCount: 5 })]),
    );
    await runtime.close();
    expect(report.outcomes[0]).toMatchObject({ kind: 'retry' });
    expect(report.outcomes[1]).toMatchObject({ kind: 'dead-lettered' });
    const dead = await p.deadLetters();
    expect(dead).toHaveLength(1);
    expect(dead[0]?.attributes.commandId).toBe(last.id);
    expect(dead[0]?.attributes.errorMessage).toMatch(/gave up after 5 receives/);
    expect(stack().emulator.counters().total).toBe(0);
    await p.close();
  });
});
