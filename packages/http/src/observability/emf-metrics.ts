import type { Metrics } from '@idp-sync/common';

/**
 * CloudWatch limits a dimension value to 1024 characters and drops a document whose value is empty or blank; vendor
 * event types are kept short and printable.
 */
function dimensionValue(value: string): string {
  const clean = value.replace(/[^\x20-\x7e]/g, '?').trim();
  return clean.length > 128 ? `${clean.slice(0, 125)}...` : clean || '(empty)';
}

/** The metric the first invocation of a function instance emits, with `service` and `function_name` (as Powertools). */
export const COLD_START_METRIC = 'ColdStart';

export interface EmfMetricsOptions {
  /** The CloudWatch namespace (`POWERTOOLS_METRICS_NAMESPACE` in the stack). */
  readonly namespace: string;
  /** Added to every metric as the `service` dimension: the dashboards search by it. */
  readonly serviceName: string;
  /** Where each EMF document goes (one JSON line, no newline). Defaults to standard output. */
  readonly write?: (line: string) => void;
  readonly now?: () => number;
  /** Counts nothing and writes nothing (`POWERTOOLS_METRICS_DISABLED=true`: the local stack keeps its console quiet). */
  readonly disabled?: boolean;
}

/** {@link Metrics} that buffer counts during an invocation and write them as EMF when flushed. */
export interface EmfMetrics extends Metrics {
  /** Counts the cold start of this instance (dimension `function_name`); written by the next {@link flush}. */
  coldStart(functionName: string): void;
  /** Writes every buffered count as CloudWatch Embedded Metric Format, one document per dimension set, and clears. */
  flush(): void;
}

interface Pending {
  readonly name: string;
  readonly dimensions: Readonly<Record<string, string>>;
  value: number;
}

function writeStdout(line: string): void {
  process.stdout.write(`${line}\n`);
}

/**
 * CloudWatch metrics for the HTTP functions, written as Embedded Metric Format lines on standard output (CloudWatch
 * Logs turns them into metrics; no API call, no SDK). Counts with the same name and dimensions are summed within an
 * invocation; every metric carries the `service` dimension, as Powertools Metrics writes it, so the stack's
 * dashboards and alarms read these and the worker's metrics alike. Written here rather than taken from Powertools
 * for the webhook function's cold-start budget (see {@link createJsonLogger}).
 *
 * @example
 * const metrics = createEmfMetrics({ namespace: 'idp-sync', serviceName: 'idp-sync-ingest' });
 * metrics.count('IngestRequests', { source: 'hr', outcome: 'accepted' });
 * metrics.flush(); // {"_aws":{...},"service":"idp-sync-ingest","source":"hr","outcome":"accepted","IngestRequests":1}
 */
export function createEmfMetrics(options: EmfMetricsOptions): EmfMetrics {
  const write = options.write ?? writeStdout;
  const now = options.now ?? Date.now;
  const pending = new Map<string, Pending>();

  function add(name: string, dimensions: Readonly<Record<string, string>>, value: number): void {
    if (options.disabled) return;
    const clean: Record<string, string> = { service: options.serviceName };
    for (const key of Object.keys(dimensions).sort()) {
      if (key !== 'service') clean[key] = dimensionValue(dimensions[key] ?? '');
    }
    const key = `${name}\u0000${JSON.stringify(clean)}`;
    const entry = pending.get(key);
    if (entry) entry.value += value;
    else pending.set(key, { name, dimensions: clean, value });
  }

  return {
    count(name, dimensions, value = 1) {
      add(name, dimensions, value);
    },
    coldStart(functionName) {
      add(COLD_START_METRIC, { function_name: functionName }, 1);
    },
    flush() {
      if (pending.size === 0) return;
      // One document per dimension set (names and values): its metrics share the set's root keys.
      const groups = new Map<string, Pending[]>();
      for (const entry of pending.values()) {
        const key = JSON.stringify(entry.dimensions);
        const group = groups.get(key);
        if (group) group.push(entry);
        else groups.set(key, [entry]);
      }
      pending.clear();
      const timestamp = now();
      for (const entries of groups.values()) {
        const dimensions = entries[0]?.dimensions ?? {};
        const document: Record<string, unknown> = {
          _aws: {
            Timestamp: timestamp,
            CloudWatchMetrics: [
              {
                Namespace: options.namespace,
                Dimensions: [Object.keys(dimensions)],
                Metrics: entries.map((entry) => ({ Name: entry.name, Unit: 'Count' })),
              },
            ],
          },
          ...dimensions,
        };
        for (const entry of entries) document[entry.name] = entry.value;
        write(JSON.stringify(document));
      }
    },
  };
}
