import { UsersApiRateLimiter } from '@idp-sync/worker/batch';
import { describe, expect, it } from 'vitest';

/** A virtual clock: sleeping advances time instantly, so spacing is measured exactly. */
function virtualClock() {
  let t = 0;
  return {
    now: () => t,
    sleep: async (ms: number) => {
      t += ms;
    },
  };
}

describe('UsersApiRateLimiter', () => {
  it('spaces requests evenly at the configured rate', async () => {
    const clock = virtualClock();
    const limiter = new UsersApiRateLimiter({ ratePerSecond: 10, ...clock });
    const times: number[] = [];
    for (let i = 0; i < 5; i++) {
      await limiter.acquire();
      times.push(clock.now());
    }
    expect(times).toEqual([0, 100, 200, 300, 400]);
    expect(limiter.stats.requests).toBe(5);
  });

  it('lets a burst through after an idle spell, then spaces', async () => {
    const clock = virtualClock();
    const limiter = new UsersApiRateLimiter({ ratePerSecond: 10, burst: 3, ...clock });
    await clock.sleep(10_000);
    const times: number[] = [];
    for (let i = 0; i < 4; i++) {
      await limiter.acquire();
      times.push(clock.now() - 10_000);
    }
    expect(times).toEqual([0, 0, 0, 100]);
  });

  it('pauses for Retry-After on a 429 and slows down, then recovers with successes', async () => {
    const clock = virtualClock();
    const limiter = new UsersApiRateLimiter({ ratePerSecond: 10, ...clock });
    await limiter.acquire();
    limiter.onResponse(429, 2000);
    expect(limiter.rate).toBeCloseTo(7.5);
    await limiter.acquire();
    expect(clock.now()).toBeGreaterThanOrEqual(2000);
    for (let i = 0; i < 20; i++) limiter.onResponse(200);
    expect(limiter.rate).toBe(10);
    expect(limiter.stats.rateLimited).toBe(1);
  });

  it('never falls below its floor', () => {
    const limiter = new UsersApiRateLimiter({ ratePerSecond: 10, minFraction: 0.2, ...virtualClock() });
    for (let i = 0; i < 50; i++) limiter.onResponse(429, 0);
    expect(limiter.rate).toBeCloseTo(2);
  });
});
