/**
 * The machine-readable side of the benchmarks: every bench, when `BENCH_JSON=<path>` is set, appends its figures to
 * that file as JSON lines through {@link emitBenchRows}; `test/bench/run.ts` (`npm run bench`) collects them into one
 * table. Without `BENCH_JSON` a bench only prints, as before.
 *
 *   emitBenchRows([{ bench: 'users-client', figure: 'users.get calls/s', value: 9500, unit: 'calls/s',
 *     baseline: { figure: 'raw undici.request', value: 11000 }, ratio: 0.86, goal: { on: 'ratio', op: '>=', target: 0.8 } }]);
 */
import { appendFileSync, existsSync, readFileSync } from 'node:fs';

/** A goal on the row's value (`25 req/s or more`) or on its ratio to the baseline (`at most 1.3×`). */
export interface BenchGoal {
  readonly on: 'value' | 'ratio';
  readonly op: '>=' | '<=';
  readonly target: number;
}

/** One figure of one benchmark. */
export interface BenchRow {
  /** The benchmark (file name without `.bench.ts`). */
  readonly bench: string;
  readonly figure: string;
  readonly value: number;
  readonly unit: string;
  readonly goal?: BenchGoal;
  /** What the value is compared with (a raw library, a floor, a documented ceiling, a naive design). */
  readonly baseline?: { readonly figure: string; readonly value: number };
  /** value / baseline (or, where the bench measures it more fairly, e.g. the median of per-round ratios). */
  readonly ratio?: number;
  /** Anything the reader needs to trust the number (e.g. "0 lost, 0 reordered"). */
  readonly note?: string;
}

/**
 * Appends rows to `BENCH_JSON` when it is set (one JSON object per line, so several processes may append). Does
 * nothing otherwise.
 *
 * @example
 * emitBenchRows([{ bench: 'scim', figure: 'POST /Users, concurrency 1', value: 120, unit: 'req/s' }]);
 */
export function emitBenchRows(rows: readonly BenchRow[], env: NodeJS.ProcessEnv = process.env): void {
  const path = env.BENCH_JSON;
  if (!path || rows.length === 0) return;
  appendFileSync(path, `${rows.map((row) => JSON.stringify(row)).join('\n')}\n`);
}

function isRow(value: unknown): value is BenchRow {
  const row = value as Partial<BenchRow> | null;
  return (
    typeof row === 'object' &&
    row !== null &&
    typeof row.bench === 'string' &&
    typeof row.figure === 'string' &&
    typeof row.value === 'number' &&
    typeof row.unit === 'string'
  );
}

/**
 * Reads what benches appended to a `BENCH_JSON` file; lines that are not rows are reported, not thrown.
 *
 * @example
 * const { rows, invalid } = readBenchRows('/tmp/bench.jsonl');
 */
export function readBenchRows(path: string): { rows: BenchRow[]; invalid: string[] } {
  if (!existsSync(path)) return { rows: [], invalid: [] };
  const rows: BenchRow[] = [];
  const invalid: string[] = [];
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    try {
      const parsed: unknown = JSON.parse(line);
      if (isRow(parsed)) rows.push(parsed);
      else invalid.push(line.slice(0, 200));
    } catch {
      invalid.push(line.slice(0, 200));
    }
  }
  return { rows, invalid };
}

/**
 * Whether the row meets its goal; undefined without a goal (or without the ratio the goal is about).
 *
 * @example
 * goalMet({ bench: 'x', figure: 'y', value: 1.2, unit: '×', goal: { on: 'value', op: '<=', target: 1.3 } }) // true
 */
export function goalMet(row: BenchRow): boolean | undefined {
  if (!row.goal) return undefined;
  const actual = row.goal.on === 'ratio' ? row.ratio : row.value;
  if (actual === undefined || !Number.isFinite(actual)) return undefined;
  return row.goal.op === '>=' ? actual >= row.goal.target : actual <= row.goal.target;
}

/** A number for a table: whole numbers from 100 up, otherwise 3 significant digits (0.8, 1.23, 12.3). */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (Math.abs(value) >= 100) return Math.round(value).toLocaleString('en-US');
  return String(Number(value.toPrecision(3)));
}

/** `≥ 25 req/s`, `ratio ≤ 1.3×`. */
export function formatGoal(row: BenchRow): string {
  if (!row.goal) return '';
  const op = row.goal.op === '>=' ? '≥' : '≤';
  return row.goal.on === 'ratio'
    ? `${op} ${formatNumber(row.goal.target)}× baseline`
    : `${op} ${formatNumber(row.goal.target)} ${row.unit}`;
}

function formatRatio(row: BenchRow): string {
  if (row.ratio === undefined) return '';
  const of = row.baseline ? ` of ${row.baseline.figure} (${formatNumber(row.baseline.value)})` : '';
  return `${formatNumber(row.ratio)}×${of}`;
}

function formatMet(row: BenchRow): string {
  const met = goalMet(row);
  return met === undefined ? '' : met ? 'yes' : 'NO';
}

const COLUMNS = ['Benchmark', 'Figure', 'Value', 'Goal', 'Ratio', 'Met'] as const;

function cells(row: BenchRow): string[] {
  return [
    row.bench,
    row.figure,
    `${formatNumber(row.value)} ${row.unit}`,
    formatGoal(row),
    formatRatio(row),
    formatMet(row),
  ];
}

/**
 * The rows as an aligned plain-text table (for the terminal).
 *
 * @example
 * console.log(formatTable(rows));
 */
export function formatTable(rows: readonly BenchRow[]): string {
  const table = [[...COLUMNS], ...rows.map(cells)];
  const widths = COLUMNS.map((_, c) => Math.max(...table.map((r) => [...(r[c] ?? '')].length)));
  const line = (r: string[]) =>
    r
      .map((cell, c) => cell + ' '.repeat(widths[c]! - [...cell].length))
      .join('  ')
      .trimEnd();
  return [line(table[0]!), widths.map((w) => '─'.repeat(w)).join('  '), ...table.slice(1).map(line)].join('\n');
}

/**
 * The rows as a Markdown table (for the README's "Performance" section).
 *
 * @example
 * writeFileSync('.bench/results.md', formatMarkdown(rows));
 */
export function formatMarkdown(rows: readonly BenchRow[]): string {
  const escapePipes = (cell: string) => cell.replace(/\|/g, '\\|');
  return [
    `| ${COLUMNS.join(' | ')} |`,
    `| ${COLUMNS.map((c) => (c === 'Value' || c === 'Ratio' ? '---:' : '---')).join(' | ')} |`,
    ...rows.map((row) => `| ${cells(row).map(escapePipes).join(' | ')} |`),
  ].join('\n');
}
