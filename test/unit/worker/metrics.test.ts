import { MetricsTally } from '@idp-sync/worker/batch';
import { describe, expect, it } from 'vitest';

describe('metrics tally', () => {
  it('sums counts, publishes dimensioned ones as single metrics', () => {
    const emitted: Array<[string, string, number, Record<string, string>?]> = [];
    const sink = {
      addMetric: (n: string, u: string, v: number) => void emitted.push([n, u, v]),
      addDimensions: () => undefined,
      singleMetric: () => {
        let dims: Record<string, string> = {};
        return {
          addDimensions: (d: Record<string, string>) => {
            dims = d;
          },
          addMetric: (n: string, u: string, v: number) => void emitted.push([n, u, v, dims]),
        };
      },
      publishStoredMetrics: () => undefined,
    };
    const tally = new MetricsTally();
    tally.count('CommandsApplied', 1, { action: 'create' });
    tally.count('CommandsApplied', 1, { action: 'create' });
    tally.count('CommandsApplied', 1, { action: 'delete' });
    tally.timing('EndToEndDelay', 12.4);
    tally.flushTo(sink);
    expect(emitted).toContainEqual(['CommandsApplied', 'Count', 3]);
    expect(emitted).toContainEqual(['CommandsApplied', 'Count', 2, { action: 'create' }]);
    expect(emitted).toContainEqual(['CommandsApplied', 'Count', 1, { action: 'delete' }]);
    expect(emitted).toContainEqual(['EndToEndDelay', 'Milliseconds', 12]);
  });
});
