import type { CountersSnapshot, OperationCounters } from './types';

/**
 * Calls per operation and status, for tests and benchmarks that count Users API calls.
 *
 * @example
 * const counters = new Counters();
 * counters.record('users.list', 200);
 * counters.snapshot(); // { total: 1, byOperation: { 'users.list': { total: 1, byStatus: { '200': 1 } } } }
 */
export class Counters {
  #total = 0;
  #byOperation = new Map<string, OperationCounters>();

  record(operation: string, status: number | 'hang'): void {
    this.#total += 1;
    let entry = this.#byOperation.get(operation);
    if (!entry) {
      entry = { total: 0, byStatus: {} };
      this.#byOperation.set(operation, entry);
    }
    entry.total += 1;
    const key = String(status);
    entry.byStatus[key] = (entry.byStatus[key] ?? 0) + 1;
  }

  snapshot(): CountersSnapshot {
    const byOperation: Record<string, OperationCounters> = {};
    for (const [operation, entry] of [...this.#byOperation].sort(([a], [b]) => a.localeCompare(b))) {
      byOperation[operation] = { total: entry.total, byStatus: { ...entry.byStatus } };
    }
    return { total: this.#total, byOperation };
  }

  reset(): void {
    this.#total = 0;
    this.#byOperation = new Map();
  }
}
