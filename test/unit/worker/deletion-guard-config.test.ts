import { loadWorkerConfig } from '@idp-sync/worker';
import { WorkerConfigError } from '@idp-sync/worker/errors';
import { DEFAULT_DELETION_GUARD, deletionLimit } from '@idp-sync/worker/state';
import { describe, expect, it } from 'vitest';

const base = { DLQ_URL: 'http://127.0.0.1:1/q/dlq.fifo', ARIZE_API_KEY: 'k' };

describe('the deletion guard’s configuration (issue #16)', () => {
  it('is on by default: max(5, 0.5 % of the people managed) deletes per rolling hour', () => {
    expect(loadWorkerConfig(base).deletionGuard).toEqual({ enabled: true, windowMinutes: 60, floor: 5, percent: 0.5 });
    expect(loadWorkerConfig({ ...base, DELETION_GUARD: ' ' }).deletionGuard.enabled).toBe(true);
  });

  it('the limit for a company of 50, 1,000 and 50,000', () => {
    expect(deletionLimit(DEFAULT_DELETION_GUARD, 50)).toBe(5);
    expect(deletionLimit(DEFAULT_DELETION_GUARD, 1_000)).toBe(5);
    expect(deletionLimit(DEFAULT_DELETION_GUARD, 50_000)).toBe(250);
    expect(deletionLimit(DEFAULT_DELETION_GUARD, -3)).toBe(5); // a count that drifted below zero
  });

  it('reads every variable and can be turned off only by saying so', () => {
    const config = loadWorkerConfig({
      ...base,
      DELETION_GUARD: 'OFF',
      DELETION_GUARD_WINDOW_MINUTES: '120',
      DELETION_GUARD_FLOOR: '20',
      DELETION_GUARD_PERCENT: '1.5',
    });
    expect(config.deletionGuard).toEqual({ enabled: false, windowMinutes: 120, floor: 20, percent: 1.5 });
  });

  it('names every bad guard variable at once, with the other problems', () => {
    try {
      loadWorkerConfig({
        DELETION_GUARD: 'maybe',
        DELETION_GUARD_WINDOW_MINUTES: '1',
        DELETION_GUARD_FLOOR: '0',
        DELETION_GUARD_PERCENT: '150',
      });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(WorkerConfigError);
      const message = (error as Error).message;
      for (const name of [
        'DLQ_URL',
        'DELETION_GUARD:',
        'DELETION_GUARD_WINDOW_MINUTES',
        'DELETION_GUARD_FLOOR',
        'DELETION_GUARD_PERCENT',
      ])
        expect(message).toContain(name);
      expect(message).toMatch(/on or off/);
    }
  });
});
