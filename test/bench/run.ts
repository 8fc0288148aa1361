/**
 * `npm run bench`: runs every `test/bench/*.bench.ts` in its own child process (`tsx`), one after another, and prints
 * one table — figure, value, goal, ratio to the baseline, goal met — plus the machine it ran on. Writes
 * `.bench/results.json` (everything, machine-readable) and `.bench/results.md` (the table for the README).
 *
 * Each bench gets `BENCH_JSON=<temp file>` and appends its rows there through `./report.ts`; for a bench that only
 * prints, its figures are read from its output (`./printed-figures.ts`). A missed goal never fails the run: the exit
 * code is 1 only when a bench crashed (non-zero exit, killed, or not one figure produced).
 *
 *   npm run bench                                  # all
 *   npm run bench -- --only worker,scim            # names (file names without .bench.ts) or parts of them
 *   npm run bench -- --list
 *   npm run bench -- --timeout 900                 # seconds per bench (default 900)
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, freemem, hostname, loadavg, platform, release, tmpdir, totalmem } from 'node:os';
import { basename, dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PRINTED_FIGURE_PARSERS } from './printed-figures';
import { type BenchRow, formatMarkdown, formatNumber, formatTable, goalMet, readBenchRows } from './report';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, '..', '..');
const OUT_DIR = join(ROOT, '.bench');

interface Options {
  only: string[];
  list: boolean;
  timeoutS: number;
}

function parseArgs(argv: readonly string[]): Options {
  const options: Options = { only: [], list: false, timeoutS: 900 };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const value = (): string => {
      const v = arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : argv[++i];
      if (v === undefined || v === '') throw new Error(`${arg.split('=')[0]} needs a value`);
      return v;
    };
    if (arg === '--only' || arg.startsWith('--only=')) options.only.push(...value().split(',').filter(Boolean));
    else if (arg === '--list') options.list = true;
    else if (arg === '--timeout' || arg.startsWith('--timeout=')) {
      options.timeoutS = Number(value());
      if (!Number.isFinite(options.timeoutS) || options.timeoutS <= 0) throw new Error('--timeout takes seconds > 0');
    } else if (arg === '--help' || arg === '-h') {
      console.log('usage: npm run bench -- [--only <name>[,<name>…]] [--list] [--timeout <seconds>]');
      process.exit(0);
    } else throw new Error(`unknown argument ${arg} (try --help)`);
  }
  return options;
}

/** What the numbers depend on. */
export interface Machine {
  readonly cpuModel: string;
  readonly cores: number;
  readonly memoryGiB: number;
  readonly freeMemoryGiB: number;
  readonly node: string;
  readonly platform: string;
  readonly loadAverageAtStart: readonly number[];
  readonly hostname: string;
}

function machine(): Machine {
  const cpu = cpus();
  return {
    cpuModel: cpu[0]?.model.trim() ?? 'unknown',
    cores: cpu.length,
    memoryGiB: Number((totalmem() / 2 ** 30).toFixed(1)),
    freeMemoryGiB: Number((freemem() / 2 ** 30).toFixed(1)),
    node: process.version,
    platform: `${platform()} ${release()} ${process.arch}`,
    loadAverageAtStart: loadavg().map((l) => Number(l.toFixed(2))),
    hostname: hostname(),
  };
}

interface BenchRun {
  readonly name: string;
  readonly file: string;
  readonly exitCode: number | null;
  readonly signal: string | null;
  readonly seconds: number;
  readonly timedOut: boolean;
  /** Where the rows came from. */
  readonly source: 'BENCH_JSON' | 'printed output' | 'none';
  readonly rows: BenchRow[];
  readonly crashed: boolean;
  readonly stderrTail: string;
}

function tsxBin(): { command: string; args: string[] } {
  const local = join(ROOT, 'node_modules', '.bin', 'tsx');
  return existsSync(local) ? { command: local, args: [] } : { command: 'npx', args: ['tsx'] };
}

/** The bench running now: Ctrl-C stops it (and what it spawned) too, as it runs in its own process group. */
let current: number | undefined;
process.once('SIGINT', () => {
  if (current !== undefined) process.kill(-current, 'SIGKILL');
  process.exit(130);
});

async function runBench(file: string, timeoutS: number, scratch: string): Promise<BenchRun> {
  const name = basename(file).replace(/\.bench\.ts$/, '');
  const jsonPath = join(scratch, `${name}.jsonl`);
  const { command, args } = tsxBin();
  const started = performance.now();
  let stdout = '';
  let stderr = '';
  let timedOut = false;
  const result = await new Promise<{ code: number | null; signal: string | null }>((resolve) => {
    const child = spawn(command, [...args, file], {
      cwd: ROOT,
      env: { ...process.env, BENCH_JSON: jsonPath, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    current = child.pid;
    const timer = setTimeout(() => {
      timedOut = true;
      // The bench's own children (servers it spawned) are in its process group.
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
    }, timeoutS * 1000);
    const echo = (chunk: Buffer, to: NodeJS.WriteStream) => {
      to.write(
        chunk
          .toString()
          .split(/(?<=\n)/)
          .map((l) => `  │ ${l}`)
          .join(''),
      );
    };
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      echo(chunk, process.stdout);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      echo(chunk, process.stderr);
    });
    child.on('error', (error) => {
      stderr += String(error);
      clearTimeout(timer);
      resolve({ code: null, signal: null });
    });
    child.on('close', (code, signal) => {
      current = undefined;
      clearTimeout(timer);
      resolve({ code, signal });
    });
  });
  const seconds = (performance.now() - started) / 1000;
  const written = readBenchRows(jsonPath);
  for (const line of written.invalid) console.error(`  ! ${name}: not a bench row in BENCH_JSON: ${line}`);
  let rows = written.rows;
  let source: BenchRun['source'] = rows.length > 0 ? 'BENCH_JSON' : 'none';
  const parser = PRINTED_FIGURE_PARSERS[name];
  if (rows.length === 0 && parser) {
    rows = parser(stdout);
    if (rows.length > 0) source = 'printed output';
  }
  const crashed = timedOut || result.code !== 0 || rows.length === 0;
  return {
    name,
    file: relative(ROOT, file),
    exitCode: result.code,
    signal: result.signal,
    seconds,
    timedOut,
    source,
    rows,
    crashed,
    stderrTail: stderr.slice(-2000),
  };
}

function discover(only: readonly string[]): string[] {
  const files = readdirSync(HERE)
    .filter((f) => f.endsWith('.bench.ts'))
    .sort()
    .map((f) => join(HERE, f));
  if (only.length === 0) return files;
  const picked = files.filter((f) =>
    only.some((o) =>
      basename(f)
        .replace(/\.bench\.ts$/, '')
        .includes(o),
    ),
  );
  if (picked.length === 0) {
    throw new Error(
      `--only ${only.join(',')} matches no bench; there are: ${files.map((f) => basename(f, '.bench.ts')).join(', ')}`,
    );
  }
  return picked;
}

function describeMachine(m: Machine): string {
  return (
    `${m.cpuModel}, ${m.cores} cores, ${m.memoryGiB} GiB RAM, Node ${m.node}, ${m.platform}; ` +
    `load average at start ${m.loadAverageAtStart.join(' / ')}`
  );
}

async function main(): Promise<number> {
  const options = parseArgs(process.argv.slice(2));
  const files = discover(options.only);
  if (options.list) {
    for (const f of files) console.log(basename(f).replace(/\.bench\.ts$/, ''));
    return 0;
  }
  const m = machine();
  const startedAt = new Date();
  console.log(`Benchmarks on ${describeMachine(m)}`);
  const scratch = mkdtempSync(join(tmpdir(), 'idp-sync-bench-'));
  const runs: BenchRun[] = [];
  try {
    for (const file of files) {
      const name = basename(file).replace(/\.bench\.ts$/, '');
      console.log(`\n▶ ${name} (${relative(ROOT, file)})`);
      const run = await runBench(file, options.timeoutS, scratch);
      runs.push(run);
      const how = run.timedOut
        ? `killed after ${options.timeoutS} s`
        : run.exitCode !== 0
          ? `exited with ${run.exitCode ?? run.signal}`
          : `${run.rows.length} figure(s) from ${run.source}`;
      console.log(`■ ${name}: ${run.seconds.toFixed(1)} s, ${how}${run.crashed ? ' — CRASHED' : ''}`);
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }

  const rows = runs.flatMap((r) => r.rows);
  const finishedAt = new Date();
  console.log(`\n${formatTable(rows)}`);
  const notes = rows.filter((r) => r.note).map((r) => `  ${r.bench} — ${r.figure}: ${r.note}`);
  if (notes.length > 0) console.log(`\nNotes:\n${notes.join('\n')}`);
  console.log(`\nMachine: ${describeMachine(m)}`);
  const missed = rows.filter((r) => goalMet(r) === false);
  const crashed = runs.filter((r) => r.crashed);
  console.log(
    `${rows.length} figures from ${runs.length} benches in ${formatNumber((finishedAt.getTime() - startedAt.getTime()) / 1000)} s; ` +
      `${rows.filter((r) => goalMet(r) === true).length} goals met, ${missed.length} missed` +
      (crashed.length > 0 ? `; CRASHED: ${crashed.map((r) => r.name).join(', ')}` : ''),
  );

  mkdirSync(OUT_DIR, { recursive: true });
  const report = {
    startedAt: startedAt.toISOString(),
    finishedAt: finishedAt.toISOString(),
    machine: m,
    benches: runs.map(({ stderrTail, ...run }) => ({ ...run, ...(run.crashed ? { stderrTail } : {}) })),
    rows: rows.map((row) => ({ ...row, met: goalMet(row) ?? null })),
  };
  writeFileSync(join(OUT_DIR, 'results.json'), `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(
    join(OUT_DIR, 'results.md'),
    `${formatMarkdown(rows)}\n\nMeasured ${startedAt.toISOString().slice(0, 10)} on ${describeMachine(m)}.\n`,
  );
  console.log(
    `Wrote ${relative(ROOT, join(OUT_DIR, 'results.json'))} and ${relative(ROOT, join(OUT_DIR, 'results.md'))}`,
  );
  return crashed.length > 0 ? 1 : 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(`bench runner: ${(error as Error).message ?? error}`);
    process.exitCode = 2;
  },
);
