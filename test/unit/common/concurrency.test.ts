import { mapWithConcurrency } from '@idp-sync/common';
import { describe, expect, it } from 'vitest';

describe('mapWithConcurrency', () => {
  it('keeps the input order and never has more than `limit` calls in flight', async () => {
    let inFlight = 0;
    let most = 0;
    const out = await mapWithConcurrency([30, 10, 20, 5, 15], 2, async (ms, index) => {
      inFlight++;
      most = Math.max(most, inFlight);
      await new Promise((resolve) => setTimeout(resolve, ms));
      inFlight--;
      return `${index}:${ms}`;
    });
    expect(out).toEqual(['0:30', '1:10', '2:20', '3:5', '4:15']);
    expect(most).toBe(2);
  });

  it('does nothing for no items, and runs one at a time for a limit below one', async () => {
    expect(await mapWithConcurrency([], 5, async () => 1)).toEqual([]);
    let inFlight = 0;
    let most = 0;
    await mapWithConcurrency([1, 2, 3], 0, async () => {
      inFlight++;
      most = Math.max(most, inFlight);
      await Promise.resolve();
      inFlight--;
    });
    expect(most).toBe(1);
  });

  it('rejects only after the calls in flight have settled (the worker reports a batch only when every person is done)', async () => {
    const finished: number[] = [];
    const run = mapWithConcurrency([1, 2, 3], 3, async (n) => {
      if (n === 1) throw new Error('first failed');
      await new Promise((resolve) => setTimeout(resolve, 20));
      finished.push(n);
      return n;
    });
    await expect(run).rejects.toThrow('first failed');
    expect(finished.sort()).toEqual([2, 3]);
  });
});
