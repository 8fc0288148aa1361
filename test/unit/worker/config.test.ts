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
    });
  });

  it('names every variable to fix', () => {
    try {
      loadWorkerConfig({ MAX_RECEIVE_COUNT: 'zero', DEFAULT_ROLE: 'OWNER' });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(WorkerConfigError);
      const message = (error as Error).message;
      for (const name of ['DLQ_URL', 'MAX_RECEIVE_COUNT', 'DEFAULT_ROLE', 'ARIZE_API_KEY'])
        expect(message).toContain(name);
    }
  });
});
