/**
 * Figures read from what a benchmark prints, for benches that do not (yet) write rows through `BENCH_JSON`
 * (`./report.ts`). Each parser knows one bench's printed lines; a line it does not recognise is simply not a row, so a
 * change of wording loses a figure, never the run. Rows a bench writes itself always win over these.
 */
import type { BenchGoal, BenchRow } from './report';

type Parser = (output: string) => BenchRow[];

const NUM = String.raw`(-?\d+(?:[.,]\d+)*)`;
const num = (text: string) => Number(text.replace(/,/g, ''));

/** `(goal <= 1.3x)` / `goal >= 0.8` anywhere in a line → a goal on the ratio. */
function ratioGoal(line: string): BenchGoal | undefined {
  const m = /goal\s*(<=|>=|≤|≥)\s*(\d+(?:\.\d+)?)/.exec(line);
  if (!m) return undefined;
  return { on: 'ratio', op: m[1] === '<=' || m[1] === '≤' ? '<=' : '>=', target: Number(m[2]) };
}

function lines(output: string): string[] {
  return output.split(/\r?\n/);
}

/** `test/bench/ingest-cold-start.bench.ts`: the cold-start and bundle-size ratios against the client-sqs floor. */
const ingestColdStart: Parser = (output) => {
  const rows: BenchRow[] = [];
  const all = lines(output);
  // The table: name, then boot, import, first, imp+1st, p90, wall (ms). Row names have changed over time
  // ("ingest handler bundle", "webhook ingest bundle"), so rows are found by what they contain.
  const tableValue = (match: (name: string) => boolean): number | undefined => {
    for (const line of all) {
      const m = /^(.*?)\s+((?:-?\d+(?:\.\d+)?\s+){5}-?\d+(?:\.\d+)?)\s*$/.exec(line);
      if (!m || !match(m[1]!.trim())) continue;
      const values = m[2]!.trim().split(/\s+/).map(Number);
      return values[3];
    }
    return undefined;
  };
  const ingest = tableValue((name) => /ingest/.test(name) && /bundle/.test(name) && !/scim|info/i.test(name));
  const floor = tableValue((name) => /floor/.test(name));
  const scim = tableValue((name) => /scim/i.test(name) && /bundle/.test(name));
  const cold = all.find((l) => l.startsWith('cold start ratio'));
  const coldRatio = cold && new RegExp(`:\\s*${NUM}x`).exec(cold);
  if (cold && coldRatio && ingest !== undefined) {
    const goal = ratioGoal(cold);
    rows.push({
      bench: 'ingest-cold-start',
      figure: 'webhook ingest Lambda cold start (import + first request, median)',
      value: ingest,
      unit: 'ms',
      ...(floor !== undefined ? { baseline: { figure: 'client-sqs bundle', value: floor } } : {}),
      ratio: num(coldRatio[1]!),
      ...(goal ? { goal } : {}),
    });
  }
  const scimLine = all.find((l) => /SCIM Lambda: cold start/.test(l));
  const scimRatio = scimLine && new RegExp(`cold start ${NUM}x`).exec(scimLine);
  if (scimLine && scimRatio && scim !== undefined) {
    const goal = ratioGoal(scimLine);
    rows.push({
      bench: 'ingest-cold-start',
      figure: 'SCIM Lambda cold start (import + first request, median)',
      value: scim,
      unit: 'ms',
      ...(floor !== undefined ? { baseline: { figure: 'client-sqs bundle', value: floor } } : {}),
      ratio: num(scimRatio[1]!),
      ...(goal ? { goal } : { note: 'informational (no goal printed)' }),
    });
  }
  const bundle = all.find((l) => l.startsWith('bundle size:'));
  const b = bundle && new RegExp(`ingest ${NUM} KiB, floor ${NUM} KiB, ratio ${NUM}x`).exec(bundle);
  if (bundle && b) {
    const goal = ratioGoal(bundle);
    rows.push({
      bench: 'ingest-cold-start',
      figure: 'webhook ingest Lambda bundle size',
      value: num(b[1]!),
      unit: 'KiB',
      baseline: { figure: 'client-sqs bundle', value: num(b[2]!) },
      ratio: num(b[3]!),
      ...(goal ? { goal } : {}),
    });
  }
  return rows;
};

/** `test/bench/worker.bench.ts`: throughput, Users API calls per command beside the naive design, rate-limited rate. */
const worker: Parser = (output) => {
  const rows: BenchRow[] = [];
  for (const line of lines(output)) {
    const tp = new RegExp(`^1\\. throughput: (\\d+)/(\\d+) commands applied in ${NUM} s = ${NUM} commands/s`).exec(
      line,
    );
    if (tp) {
      rows.push({
        bench: 'worker',
        figure: 'commands applied end to end (enqueue → worker → Users API)',
        value: num(tp[4]!),
        unit: 'commands/s',
        note: `${tp[1]}/${tp[2]} applied`,
      });
    }
  }
  const text = output;
  const cpc = new RegExp(`^2\\. Users API calls per command[^:]*: ${NUM}`, 'm').exec(text);
  const naive = new RegExp(`naive \\(one lookup per command\\): ${NUM} calls per command`).exec(text);
  if (cpc) {
    const value = num(cpc[1]!);
    const base = naive ? num(naive[1]!) : undefined;
    rows.push({
      bench: 'worker',
      figure: 'Users API calls per command (realistic mix, warm state)',
      value,
      unit: 'calls',
      ...(base !== undefined
        ? { baseline: { figure: 'naive lookup-first worker', value: base }, ratio: value / base }
        : {}),
    });
  }
  const rl = new RegExp(
    `^3\\. rate-limited to R = ${NUM} req/s: .*= ${NUM} req/s = ${NUM} % of R; (\\d+) answered 429; (\\d+) messages in the DLQ`,
    'm',
  ).exec(text);
  if (rl) {
    const limit = num(rl[1]!);
    const achieved = num(rl[2]!);
    rows.push({
      bench: 'worker',
      figure: 'successful Users API requests/s under a rate limit R',
      value: achieved,
      unit: 'req/s',
      baseline: { figure: 'R', value: limit },
      ratio: achieved / limit,
      note: `${rl[4]} answered 429, ${rl[5]} in the DLQ`,
    });
  }
  return rows;
};

/** Entra's gallery requirement for a SCIM endpoint, which the SCIM bench names. */
const ENTRA_RPS = 25;

/** `test/bench/scim.bench.ts`: one row per printed `<label> <n> req/s p50 … p95 … p99 …` line. */
const scim: Parser = (output) => {
  const rows: BenchRow[] = [];
  for (const line of lines(output)) {
    const m = new RegExp(`^(\\S.*?)\\s+${NUM} req/s\\s+p50 ${NUM} ms\\s+p95 ${NUM} ms\\s+p99 ${NUM} ms`).exec(line);
    if (!m) continue;
    rows.push({
      bench: 'scim',
      figure: `SCIM ${m[1]!.trim()}`,
      value: num(m[2]!),
      unit: 'req/s',
      goal: { on: 'value', op: '>=', target: ENTRA_RPS },
      note: `p50 ${m[3]} ms, p95 ${m[4]} ms, p99 ${m[5]} ms`,
    });
  }
  return rows;
};

/** `test/bench/dlq-replay.bench.ts`: messages/s per concurrency, beside StartMessageMoveTask's ceiling. */
const dlqReplay: Parser = (output) => {
  const rows: BenchRow[] = [];
  for (const line of lines(output)) {
    const m = new RegExp(
      `^concurrency\\s+(\\d+): (\\d+) moved, (\\d+) skipped, (\\d+) failed in ${NUM} s = ${NUM} msg/s \\(${NUM}× the move task's ${NUM} msg/s ceiling\\)(?:.*?(\\d+) received, (\\d+) out of order)?`,
    ).exec(line);
    if (!m) continue;
    rows.push({
      bench: 'dlq-replay',
      figure: `DLQ replay (read all, then send → delete, ${m[1]} sends in flight)`,
      value: num(m[6]!),
      unit: 'msg/s',
      baseline: { figure: 'StartMessageMoveTask ceiling', value: num(m[8]!) },
      ratio: num(m[7]!),
      note: `${m[2]} moved, ${m[4]} failed${m[9] !== undefined ? `, ${m[9]} received, ${m[10]} out of order` : ''}`,
    });
  }
  return rows;
};

/**
 * `test/bench/ingest.bench.ts`: events/s per source through the whole ingest app, beside the floor row (bare
 * one-entry SendMessageBatch calls from the same client). Columns: events/s, req/s, p50 ms, p99 ms, errors.
 */
const ingest: Parser = (output) => {
  const all = lines(output);
  const header = all.findIndex((l) => /^source\s+events\/s/.test(l));
  if (header < 0) return [];
  const table: { name: string; eventsPerS: number; p50: string; p99: string; errors: string }[] = [];
  for (const line of all.slice(header + 1)) {
    const m = new RegExp(`^(.+?)\\s+${NUM}\\s+${NUM}\\s+${NUM}\\s+${NUM}\\s+(\\d+)\\s*$`).exec(line);
    if (!m) break;
    table.push({ name: m[1]!.trim(), eventsPerS: num(m[2]!), p50: m[4]!, p99: m[5]!, errors: m[6]! });
  }
  const floor = table.find((r) => r.name.startsWith('floor'));
  return table
    .filter((r) => r !== floor)
    .map((r) => ({
      bench: 'ingest',
      figure: `ingest ${r.name} (verify → map → SendMessageBatch)`,
      value: r.eventsPerS,
      unit: 'events/s',
      ...(floor
        ? {
            baseline: { figure: 'bare SendMessageBatch', value: floor.eventsPerS },
            ratio: r.eventsPerS / floor.eventsPerS,
          }
        : {}),
      note: `p50 ${r.p50} ms, p99 ${r.p99} ms, ${r.errors} errors`,
    }));
};

/** Parsers by bench name (the file name without `.bench.ts`). */
export const PRINTED_FIGURE_PARSERS: Readonly<Record<string, Parser>> = {
  ingest,
  'ingest-cold-start': ingestColdStart,
  worker,
  scim,
  'dlq-replay': dlqReplay,
};
