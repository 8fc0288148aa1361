import { Metrics as PowertoolsMetrics } from '@aws-lambda-powertools/metrics';
import type { Metrics } from '@idp-sync/common';
import { powertoolsWorkerMetrics } from '@idp-sync/worker';
import { MetricsTally, type WorkerMetrics } from '@idp-sync/worker/batch';
import { describe, expect, it } from 'vitest';

describe('metrics tally', () => {
  it('sums counts, hands dimensioned ones over with their dimensions', () => {
    const emitted: Array<[string, Record<string, string>, number | undefined]> = [];
    const timings: Array<[string, number]> = [];
    const sink: WorkerMetrics = {
      count: (name, dimensions, value) => void emitted.push([name, { ...dimensions }, value]),
      timing: (name, ms) => void timings.push([name, ms]),
      publish: () => undefined,
    };
    const tally = new MetricsTally();
    tally.count('CommandsApplied', 1, { action: 'create' });
    tally.count('CommandsApplied', 1, { action: 'create' });
    tally.count('CommandsApplied', 1, { action: 'delete' });
    tally.timing('EndToEndDelay', 12.4);
    tally.flushTo(sink);
    expect(emitted).toEqual([
      ['CommandsApplied', {}, 3],
      ['CommandsApplied', { action: 'create' }, 2],
      ['CommandsApplied', { action: 'delete' }, 1],
    ]);
    expect(timings).toEqual([['EndToEndDelay', 12]]);
  });
});

describe('powertoolsWorkerMetrics', () => {
  it('puts undimensioned counts in the batch document and publishes dimensioned ones as single metrics', () => {
    const emitted: Array<[string, string, number, Record<string, string>?]> = [];
    let published = 0;
    const powertools = {
      addMetric: (n: string, u: string, v: number) => void emitted.push([n, u, v]),
      singleMetric: () => {
        let dims: Record<string, string> = {};
        return {
          addDimensions: (d: Record<string, string>) => {
            dims = d;
          },
          addMetric: (n: string, u: string, v: number) => void emitted.push([n, u, v, dims]),
        };
      },
      publishStoredMetrics: () => void published++,
    };
    const metrics = powertoolsWorkerMetrics(powertools as unknown as PowertoolsMetrics);
    metrics.count('CommandsApplied', {}, 3);
    metrics.count('CommandsApplied', { action: 'create' }, 2);
    metrics.count('SentToDlq', { errorClass: 'EmailDeleted' });
    metrics.timing('EndToEndDelay', 12);
    metrics.publish();
    expect(emitted).toEqual([
      ['CommandsApplied', 'Count', 3],
      ['CommandsApplied', 'Count', 2, { action: 'create' }],
      ['SentToDlq', 'Count', 1, { errorClass: 'EmailDeleted' }],
      ['EndToEndDelay', 'Milliseconds', 12],
    ]);
    expect(published).toBe(1);
  });

  it('adapts a real Powertools Metrics (the worker Lambda passes createWorkerMetrics())', () => {
    const metrics: Metrics = powertoolsWorkerMetrics(
      new PowertoolsMetrics({ namespace: 'idp-sync-test', serviceName: 'worker-test' }),
    );
    expect(typeof metrics.count).toBe('function');
  });
});
