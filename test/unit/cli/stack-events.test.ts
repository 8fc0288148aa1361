import { describeStackEvent } from '@idp-sync/cli';
import { describe, expect, it } from 'vitest';

describe('describeStackEvent (one console line per request of npm start)', () => {
  it('puts the reason of a refused request on its line', () => {
    const line = describeStackEvent({
      type: 'request',
      function: 'ingest',
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
      function: 'ingest',
      method: 'POST',
      path: '/webhooks/okta',
      status: 200,
      durationMs: 12,
    });
    expect(line).toMatch(/POST \/webhooks\/okta -> 200 \(12 ms\)$/);
  });

  it('labels a SCIM request scim, not ingest (the function that answered it)', () => {
    const line = describeStackEvent({
      type: 'request',
      function: 'scim',
      method: 'GET',
      path: '/scim/v2/Users',
      status: 401,
      durationMs: 2,
    });
    expect(line).toMatch(/^\d\d:\d\d:\d\d scim {4}GET \/scim\/v2\/Users -> 401 \(2 ms\)$/);
  });

  it('counts dead-lettered messages apart from done ones, and retries apart from both', () => {
    const line = describeStackEvent({
      type: 'batch',
      instance: 0,
      size: 5,
      redelivered: 0,
      succeeded: 4,
      deadLettered: 2,
      failed: 1,
      deleteErrors: 0,
      durationMs: 30,
    });
    expect(line).toMatch(/worker#0 batch of 5: 2 done, 2 dead-lettered, 1 left for retry \(30 ms\)$/);
    const clean = describeStackEvent({
      type: 'batch',
      instance: 1,
      size: 2,
      redelivered: 0,
      succeeded: 2,
      deadLettered: 0,
      failed: 0,
      deleteErrors: 0,
      durationMs: 5,
    });
    expect(clean).toMatch(/batch of 2: 2 done \(5 ms\)$/);
  });
});
