import { COMMAND_SOURCES, deleteKind, formatGracePeriod, parseGracePeriod } from '@idp-sync/contracts';
import { loadWorkerConfig } from '@idp-sync/worker';
import { describe, expect, it } from 'vitest';

describe('grace periods are ISO 8601 durations of days, hours, minutes and seconds', () => {
  it.each([
    ['PT24H', 86_400_000],
    ['P1D', 86_400_000],
    ['P1DT12H', 129_600_000],
    ['PT90M', 5_400_000],
    ['PT30S', 30_000],
    ['pt2h', 7_200_000],
    ['PT0S', 0],
  ])('%s is %i ms', (text, ms) => {
    expect(parseGracePeriod(text)).toEqual({ ms });
  });

  it.each(['24h', 'P', 'PT', 'P1M', 'P1Y', 'P1W', 'PT-1H', 'P1.5D', '', 'PT24H ; rm', 'P91D'])('refuses %j', (text) => {
    expect(parseGracePeriod(text)).toHaveProperty('problem');
  });

  it('formats what it parses', () => {
    for (const text of ['P1D', 'P1DT12H', 'PT1H30M', 'PT30S', 'PT0S']) {
      const parsed = parseGracePeriod(text);
      expect('ms' in parsed && formatGracePeriod(parsed.ms)).toBe(text);
    }
  });
});

describe('deleteKind: explicit terminations stay immediate, deactivations wait', () => {
  it.each([
    ['okta', 'user.lifecycle.deactivate', 'deactivation'],
    ['okta', 'application.user_membership.remove', 'deactivation'],
    ['okta', 'user.lifecycle.suspend', 'deactivation'],
    ['okta', 'user.lifecycle.delete.initiated', 'termination'],
    ['scim', 'scim.user.patch', 'deactivation'],
    ['scim', 'scim.user.put', 'deactivation'],
    ['scim', 'scim.user.delete', 'termination'],
    ['workos', 'dsync.user.updated', 'deactivation'],
    ['workos', 'dsync.user.deleted', 'termination'],
    ['workos', 'dsync.deleted', 'termination'],
    ['bamboohr', 'Updated', 'deactivation'],
    ['bamboohr', 'employee.updated', 'deactivation'],
    ['bamboohr', 'Deleted', 'termination'],
    ['bamboohr', 'employee.deleted', 'termination'],
    ['hr', 'user.left', 'deactivation'],
    ['hr', 'users.left', 'deactivation'],
  ] as const)('%s %s is a %s', (source, sourceEventType, kind) => {
    expect(deleteKind({ source, sourceEventType })).toBe(kind);
  });

  it('an event type named like an object key is just another deactivation', () => {
    for (const source of COMMAND_SOURCES) {
      expect(deleteKind({ source, sourceEventType: '__proto__' })).toBe('deactivation');
      expect(deleteKind({ source, sourceEventType: 'constructor' })).toBe('deactivation');
    }
  });
});

describe('the worker reads GRACE_PERIOD_<SOURCE> and GRACE_REVOKE_DEVELOPER', () => {
  const base = { DLQ_URL: 'https://sqs.eu-west-1.amazonaws.com/1/dlq.fifo', ARIZE_API_KEY: 'k' };

  it('off by default', () => {
    expect(loadWorkerConfig(base).gracePeriods).toEqual({ periods: {}, revokeDeveloper: false });
  });

  it('per source', () => {
    const config = loadWorkerConfig({
      ...base,
      GRACE_PERIOD_OKTA: 'PT24H',
      GRACE_PERIOD_SCIM: 'P3D',
      GRACE_PERIOD_HR: 'PT0S',
      GRACE_REVOKE_DEVELOPER: 'on',
    });
    expect(config.gracePeriods).toEqual({ periods: { okta: 86_400_000, scim: 259_200_000 }, revokeDeveloper: true });
  });

  it('lists every wrong setting at once, with the other problems', () => {
    let problems: readonly string[] = [];
    try {
      loadWorkerConfig({
        ...base,
        GRACE_PERIOD_OKTA: '24h',
        GRACE_PERIOD_WORKOS: 'P1Y',
        GRACE_REVOKE_DEVELOPER: 'yes',
        MAX_RECEIVE_COUNT: '0',
      });
    } catch (error) {
      problems = (error as { problems: readonly string[] }).problems;
    }
    expect(problems).toEqual([
      expect.stringMatching(/^MAX_RECEIVE_COUNT: /),
      expect.stringMatching(/^GRACE_PERIOD_OKTA: must be an ISO 8601 duration such as PT24H/),
      expect.stringMatching(/^GRACE_PERIOD_WORKOS: must be an ISO 8601 duration/),
      'GRACE_REVOKE_DEVELOPER: must be on or off',
    ]);
  });
});
