import { describeStackEvent } from '@idp-sync/cli';
import { describe, expect, it } from 'vitest';

describe('describeStackEvent (one console line per request of npm start)', () => {
  it('puts the reason of a refused request on its line', () => {
    const line = describeStackEvent({
      type: 'request',
      method: 'POST',
      path: '/webhooks/hr',
      status: 401,
      durationMs: 3,
      detail: 'no webhook-signature matches the body',
    });
    expect(line).toMatch(/ingest {2}POST \/webhooks\/hr -> 401 no webhook-signature matches the body \(3 ms\)$/);
  });

  it('keeps an accepted request short', () => {
    const line = describeStackEvent({
      type: 'request',
      method: 'POST',
      path: '/webhooks/okta',
      status: 200,
      durationMs: 12,
    });
    expect(line).toMatch(/POST \/webhooks\/okta -> 200 \(12 ms\)$/);
  });
});
