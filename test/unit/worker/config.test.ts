import { loadWorkerConfig } from '@idp-sync/worker';
import { WorkerConfigError } from '@idp-sync/worker/errors';
import { describe, expect, it } from 'vitest';

describe('configuration', () => {
  it('applies the documented defaults', () => {
    const config = loadWorkerConfig({ DLQ_URL: 'http://127.0.0.1:1/q/dlq.fifo', ARIZE_API_KEY: 'k' });
    expect(config).toMatchObject({
      maxReceiveCount: 5,
      usersApiRps: 10,
      concurrency: 5,
      stateTableName: 'idp-sync-state',
      defaultRole: 'MEMBER',
      defaultInviteMode: 'EMAIL_LINK',
      roleSettleSeconds: 0,
    });
    expect(
      loadWorkerConfig({ DLQ_URL: 'http://127.0.0.1:1/q/dlq.fifo', ARIZE_API_KEY: 'k', ROLE_SETTLE_SECONDS: '120' })
        .roleSettleSeconds,
    ).toBe(120);
  });

  it('names every variable to fix', () => {
    try {
      loadWorkerConfig({ MAX_RECEIVE_COUNT: 'zero', DEFAULT_ROLE: 'OWNER', ROLE_SETTLE_SECONDS: '901' });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(WorkerConfigError);
      const message = (error as Error).message;
      for (const name of ['DLQ_URL', 'MAX_RECEIVE_COUNT', 'DEFAULT_ROLE', 'ARIZE_API_KEY', 'ROLE_SETTLE_SECONDS'])
        expect(message).toContain(name);
    }
  });
});
