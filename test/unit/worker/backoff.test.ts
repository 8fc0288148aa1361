import { visibilityTimeoutFor } from '@idp-sync/worker/batch';
import { describe, expect, it } from 'vitest';

describe('visibility backoff', () => {
  const base = { baseSeconds: 30, maxSeconds: 900 };

  it('doubles with the receive count around min(900, 30·2^(n-1))', () => {
    const mid = () => 0.5;
    expect([1, 2, 3, 4, 5, 6].map((n) => visibilityTimeoutFor(n, { ...base, random: mid }))).toEqual([
      30, 60, 120, 240, 480, 900,
    ]);
  });

  it('jitters within 75–125 % and never above the maximum', () => {
    expect(visibilityTimeoutFor(2, { ...base, random: () => 0 })).toBe(45);
    expect(visibilityTimeoutFor(2, { ...base, random: () => 0.999 })).toBe(75);
    expect(visibilityTimeoutFor(9, { ...base, random: () => 0.999 })).toBe(900);
  });

  it('never shows the message before the server’s Retry-After', () => {
    expect(visibilityTimeoutFor(1, { ...base, random: () => 0, retryAfterMs: 120_500 })).toBe(121);
    expect(visibilityTimeoutFor(1, { ...base, random: () => 0, retryAfterMs: 10_000_000 })).toBe(900);
  });
});
