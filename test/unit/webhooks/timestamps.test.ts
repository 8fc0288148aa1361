import {
  formatPath,
  parseSourceTimestamp,
  toIsoTimestamp,
  verifyBambooSignature,
  verifyWorkosSignature,
} from '@idp-sync/webhooks/sources';
import { describe, expect, it } from 'vitest';
import { bambooRequest, NOW_MS, TEST_SECRETS, workosRequest } from '../../helpers/webhooks';

describe('vendor timestamps', () => {
  it('reads RFC 3339, colon-less offsets and WorkOS space-separated UTC', () => {
    expect(toIsoTimestamp('2023-03-26T21:05:32.159Z')).toBe('2023-03-26T21:05:32.159Z');
    expect(toIsoTimestamp('2026-01-31T18:42:00+0000')).toBe('2026-01-31T18:42:00.000Z');
    expect(toIsoTimestamp('2026-01-31T20:42:00+02:00')).toBe('2026-01-31T18:42:00.000Z');
    expect(toIsoTimestamp('2023-04-28 20:05:31.093')).toBe('2023-04-28T20:05:31.093Z');
    expect(toIsoTimestamp('2022-11-03T20:26:10.344522Z')).toBe('2022-11-03T20:26:10.344Z');
  });

  it('refuses what it cannot read rather than guessing', () => {
    for (const value of [
      '',
      'yesterday',
      '2023-02-30T00:00:00Z',
      '2023-13-01T00:00:00Z',
      '2023-01-01T25:00:00Z',
      1680000000,
      null,
    ]) {
      expect(parseSourceTimestamp(value)).toBeUndefined();
    }
  });
});

describe('replay windows in rejection messages', () => {
  it('state the configured tolerance, in seconds or, below a second, milliseconds', () => {
    const workos = workosRequest({ event: 'dsync.user.created' }, { tMs: NOW_MS - 120_000 });
    expect(() => verifyWorkosSignature(workos, { current: TEST_SECRETS.workos }, NOW_MS, 90_000)).toThrow(
      'the WorkOS-Signature timestamp is too old (over 90 s)',
    );
    const bamboo = bambooRequest({ type: 'employee.created' }, { timestamp: String(NOW_MS - 2_000) });
    expect(() => verifyBambooSignature(bamboo, { current: TEST_SECRETS.bamboohr }, NOW_MS, 500)).toThrow(
      'the X-BambooHR-Timestamp is too old (over 500 ms)',
    );
  });

  it('names a WorkOS t= in seconds, whatever the tolerance', () => {
    const request = workosRequest({ event: 'dsync.user.created' }, { tMs: Math.floor(NOW_MS / 1000) });
    expect(() => verifyWorkosSignature(request, { current: TEST_SECRETS.workos }, NOW_MS, 10 ** 13)).toThrow(
      /looks like unix seconds: it must be unix milliseconds/,
    );
  });
});

describe('helpers', () => {
  it('formats paths the way JavaScript reaches them', () => {
    expect(formatPath(['data', 'events', 0, 'target', 1, 'alternateId'])).toBe('data.events[0].target[1].alternateId');
    expect(formatPath(['employees', 0, 'fields', 'Work Email'])).toBe('employees[0].fields["Work Email"]');
    expect(formatPath([])).toBe('(body)');
  });
});
