/**
 * Chaos: the whole pipeline on the local stack under duplicate, late and replayed deliveries from every source, a
 * faulty Users API and a worker killed mid-batch — then the Users API is compared with a reference model computed
 * from the event log alone.
 *
 *   npm run chaos -- --events 5000 --seed 7        # the full run; prints its figures
 *   npm run chaos -- --events 500 --seed 7 --json .chaos/report.json
 *
 * Options: --events N (deliveries, default 5000), --seed N (default 1), --restarts N (worker kills, default 4),
 * --people N, --concurrency N (requests in flight, default 16), --instances N (worker environments, default 4),
 * --scim-share X (share of people provisioned through SCIM, default 0.15), --json <file> (write the report), --quiet. Exit code 0 when the run matches the model, 1 when it does not.
 *
 * Seeded: the scenario (people, events, order, duplicates) and the emulator's fault sequence come from the seed;
 * which request meets which fault, and where a kill lands, depend on timing — the verdict must not.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type LocalStack, startLocalStack } from '@idp-sync/local-stack';
import { createShadowIngest, type DeliveryContext, type DeliveryResult, deliver } from '../helpers/chaos/deliver';
import { type MisfireReport, runMisfires } from '../helpers/chaos/misfires';
import { type ModelResult, runModel } from '../helpers/chaos/model';
import { type ReconcileRun, reconcileAtBarrier } from '../helpers/chaos/reconcile-barrier';
import { generateScenario, type Scenario } from '../helpers/chaos/scenario';
import type { Delivery } from '../helpers/chaos/types';
import { observe, type Verdict, verify } from '../helpers/chaos/verify';
import { WorkerProcess, type WorkerStats } from '../helpers/chaos/worker-control';

export interface ChaosOptions {
  readonly events: number;
  readonly seed: number;
  /** Worker kills (SIGKILL mid-batch, then a fresh worker). */
  readonly restarts?: number;
  readonly people?: number;
  /** Share of people provisioned through SCIM (default 0.15; 0 leaves SCIM out). */
  readonly scimShare?: number;
  /** Requests in flight to the ingest API. */
  readonly concurrency?: number;
  /** Worker execution environments (batches in parallel; default 4, as Lambda runs several). */
  readonly instances?: number;
  /** How long the queue may take to drain after the last delivery. */
  readonly drainTimeoutMs?: number;
  /** Reconcile runs in the middle of the scenario (default 2; issue #17). */
  readonly reconcileRuns?: number;
  /** Run issue #16's misfires after the scenario (default true): an HR bulk leave of 60 %, 40 Okta deactivations. */
  readonly misfires?: boolean;
  /** Progress lines; silent by default. */
  readonly log?: (line: string) => void;
}

/** The emulator's fault settings for the run: 10 % 5xx (half of them after applying), 5 % 429, 2 % hangs. */
export function chaosFaults(seed: number) {
  return {
    seed,
    rates: { '500': 0.05, '503': 0.05, '429': 0.05 },
    retryAfterSeconds: 1,
    hangRate: 0.02,
    failAfterApply: 0.5,
  };
}

export interface KillRecord {
  readonly atMs: number;
  readonly batchesInFlight: number;
  readonly recordsProcessedBefore: number;
}

export interface ChaosReport {
  readonly seed: number;
  readonly scenario: {
    readonly deliveries: number;
    readonly originals: number;
    readonly retries: number;
    readonly lateRedeliveries: number;
    readonly heldBack: number;
    readonly people: number;
    readonly scimPeople: number;
    readonly bySource: Record<string, number>;
    readonly logicalCommands: number;
    readonly commandDeliveries: number;
  };
  readonly model: ModelResult['counts'] & { readonly deadLetters: number };
  /** Deliveries: until the last answer; drain: from then until the queue is empty (kills and restarts included). */
  readonly durations: { readonly totalS: number; readonly deliverS: number; readonly drainS: number };
  readonly eventsPerSecond: number;
  readonly usersApi: { readonly calls: number; readonly byStatus: Record<string, number> };
  readonly worker: WorkerStats & {
    readonly restarts: number;
    readonly killedMidBatch: number;
    readonly kills: KillRecord[];
  };
  readonly ingest: { readonly transientAnswers: Record<string, number>; readonly answers: Record<string, number> };
  readonly verdict: Verdict;
  /** Reconcile runs at barriers in the middle of the scenario (issue #17). */
  readonly reconciles: readonly ReconcileRun[];
  /** The misfires phase (issue #16), when it ran; its problems are in the verdict too. */
  readonly misfires?: Omit<MisfireReport, 'problems'>;
  /** Deliveries that did not get the answer they should have (part of the verdict's problems too). */
  readonly deliveryProblems: DeliveryResult[];
}

/** A FIFO semaphore. */
function semaphore(limit: number) {
  let free = limit;
  const waiting: (() => void)[] = [];
  return {
    async acquire() {
      if (free > 0) {
        free--;
        return;
      }
      await new Promise<void>((resolve) => waiting.push(resolve));
    },
    release() {
      const next = waiting.shift();
      if (next) next();
      else free++;
    },
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function describeScenario(scenario: Scenario, model: ModelResult): ChaosReport['scenario'] {
  const bySource: Record<string, number> = {};
  for (const d of scenario.deliveries) bySource[d.event.spec.source] = (bySource[d.event.spec.source] ?? 0) + 1;
  let heldBack = 0;
  // An original delivered after one with a higher event id (an event that happened later): held back.
  let maxId = -1;
  for (const d of scenario.deliveries) {
    if (d.mode !== 'original') continue;
    if (d.event.id < maxId) heldBack++;
    maxId = Math.max(maxId, d.event.id);
  }
  return {
    deliveries: scenario.deliveries.length,
    originals: scenario.events.length,
    retries: scenario.deliveries.filter((d) => d.mode === 'retry').length,
    lateRedeliveries: scenario.deliveries.filter((d) => d.mode === 'late-redelivery').length,
    heldBack,
    people: new Set(scenario.events.flatMap((e) => e.people)).size,
    scimPeople: scenario.people.filter((p) => p.scim).length,
    bySource,
    logicalCommands: model.logicalCommands,
    commandDeliveries: model.commandDeliveries,
  };
}

/**
 * Runs one chaos scenario end to end and returns its figures and verdict (it does not throw for a mismatch: the
 * verdict lists it).
 *
 * @example
 * const report = await runChaos({ events: 500, seed: 7, restarts: 3 });
 * report.verdict.problems // []
 */
export async function runChaos(options: ChaosOptions): Promise<ChaosReport> {
  const log = options.log ?? (() => undefined);
  const restarts = options.restarts ?? 4;
  const started = Date.now();
  const scenario = generateScenario({
    events: options.events,
    seed: options.seed,
    nowMs: started,
    ...(options.people === undefined ? {} : { people: options.people }),
    ...(options.scimShare === undefined ? {} : { scimShare: options.scimShare }),
  });
  const model = runModel(scenario.deliveries);
  const described = describeScenario(scenario, model);
  log(
    `scenario: ${described.deliveries} deliveries (${described.originals} events, ${described.retries} retries, ` +
      `${described.lateRedeliveries} late redeliveries, ${described.heldBack} held back) for ${described.people} people; ` +
      `model: ${model.counts.applied} applied, ${model.counts.noop} no-op, ${model.counts.stale} stale, ` +
      `${model.counts.duplicate + model.counts.deduplicated} duplicates, ${model.deadLetters.length} to the DLQ`,
  );

  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  process.env.DISABLE_PRERELEASE_WARNING ??= 'true';
  const stack: LocalStack = await startLocalStack({
    // The worker runs in its own process (below) so that it can be killed for real.
    workerInstances: 0,
    maxReceiveCount: 12,
    workerTimeoutSeconds: 10,
    visibilityTimeoutSeconds: 10,
    receiveWaitSeconds: 1,
    logLevel: 'ERROR',
    handlerEnv: {
      // The deletion guard stays on, with a limit the scenario's leaves never reach: the model expects every leave
      // applied. The misfires phase after it runs a worker with the guard's defaults (test/helpers/chaos/misfires.ts).
      DELETION_GUARD_FLOOR: '1000000',
      // A hanging request must end quickly, and a transient failure come back soon.
      USERS_API_TIMEOUT_MS: '500',
      USERS_API_RETRY_ATTEMPTS: '3',
      USERS_API_RETRY_BUDGET_MS: '3000',
      VISIBILITY_BASE_SECONDS: '1',
      VISIBILITY_MAX_SECONDS: '4',
      USERS_API_RPS: '500',
      USERS_API_BURST: '20',
      WORKER_CONCURRENCY: '10',
      SCIM_USERS_LOOKUP_TIMEOUT_MS: '800',
    },
  });
  const stats: WorkerStats = {
    batches: 0,
    records: 0,
    succeeded: 0,
    failed: 0,
    wholeBatchFailures: 0,
    receiveErrors: 0,
  };
  const kills: KillRecord[] = [];
  const reconciles: ReconcileRun[] = [];
  let worker: WorkerProcess | undefined;
  try {
    const faults = await fetch(`${stack.urls.usersApi}/_emulator/faults`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(chaosFaults(options.seed)),
    });
    if (faults.status !== 200) throw new Error(`the emulator refused the fault settings (${faults.status})`);

    const workerEnv = {
      ...process.env,
      CHAOS_QUEUE_ARN: stack.queues.queueArn,
      CHAOS_INSTANCES: String(options.instances ?? 4),
      CHAOS_TIMEOUT_MS: String(stack.settings.workerTimeoutSeconds * 1000),
    };
    worker = await WorkerProcess.start(workerEnv, stats);
    log(
      `stack up (ingest ${stack.urls.ingest}); worker pid ${worker.pid}; faults ${JSON.stringify(chaosFaults(options.seed))}`,
    );

    const ctx: DeliveryContext = {
      stack,
      people: scenario.people,
      scimIds: new Map(),
      shadow: createShadowIngest(),
      transientAnswers: new Map(),
    };
    const results: DeliveryResult[] = [];
    let completed = 0;
    let deliveriesDone = false;

    // Kills: spread over the worker's progress (ingest usually finishes first, so the later ones land while the queue
    // drains); each waits for a batch in flight, so it cuts the worker mid-batch.
    const expectedRecords =
      model.counts.applied +
      model.counts.noop +
      model.counts.stale +
      model.counts.duplicate +
      model.counts['dead-lettered'];
    const drained = async () => {
      const health = await stack.health();
      return health.queue.visible === 0 && health.queue.inFlight === 0;
    };
    const killer = (async () => {
      for (let k = 1; k <= restarts; k++) {
        const threshold = (expectedRecords * k) / (restarts + 1);
        let polls = 0;
        while (stats.records < threshold) {
          await sleep(50);
          if (deliveriesDone && ++polls % 20 === 0 && (await drained())) break;
        }
        const until = Date.now() + 15_000;
        while ((worker?.inFlight ?? 0) === 0 && Date.now() < until) await sleep(5);
        const current = worker as WorkerProcess;
        const inFlight = current.inFlight;
        const before = stats.records;
        await current.kill();
        kills.push({ atMs: Date.now() - started, batchesInFlight: inFlight, recordsProcessedBefore: before });
        log(
          `kill ${k}/${restarts}: SIGKILL pid ${current.pid} with ${inFlight} batch(es) in flight, after ${before} records`,
        );
        worker = await WorkerProcess.start(workerEnv, stats);
      }
    })();

    // Deliveries: in scenario order, a person's deliveries one after another, different people in parallel.
    const deliverStart = Date.now();
    const slots = semaphore(options.concurrency ?? 16);
    const lastOf = new Map<string, Promise<void>>();
    const start = (delivery: Delivery) => {
      const before = delivery.event.people.map((p) => lastOf.get(p)).filter((p): p is Promise<void> => p !== undefined);
      const task = (async () => {
        await Promise.all(before);
        await slots.acquire();
        try {
          results.push(await deliver(delivery, ctx));
        } catch (error) {
          results.push({
            seq: delivery.seq,
            label: delivery.event.label,
            mode: delivery.mode,
            status: 0,
            attempts: 0,
            problem: `delivery threw ${(error as Error).name}: ${(error as Error).message}`,
          });
        } finally {
          slots.release();
          completed++;
          if (completed % 500 === 0) log(`delivered ${completed}/${scenario.deliveries.length}`);
        }
      })();
      const settled = task.then(
        () => undefined,
        () => undefined,
      );
      for (const p of delivery.event.people) lastOf.set(p, settled);
      return task;
    };
    // Issue #17: reconcile runs at barriers between segments of the scenario (every delivery so far answered); its
    // commands join the event log the model runs on.
    const reconcileRuns = options.reconcileRuns ?? 2;
    const segments = reconcileRuns + 1;
    const logged: Delivery[] = [];
    for (let segment = 0; segment < segments; segment++) {
      const from = Math.floor((scenario.deliveries.length * segment) / segments);
      const to = Math.floor((scenario.deliveries.length * (segment + 1)) / segments);
      const part = scenario.deliveries.slice(from, to);
      await Promise.all(part.map(start));
      logged.push(...part);
      if (segment < segments - 1) {
        const { delivery, run } = await reconcileAtBarrier({ stack, deliveries: logged, runIndex: segment + 1 });
        logged.push(delivery);
        reconciles.push(run);
        log(
          `reconcile ${segment + 1}: snapshot after ${to} deliveries planned ${JSON.stringify(run.counts)}; sent ${run.sent} (${run.attempts} attempt(s))`,
        );
      }
    }
    deliveriesDone = true;
    const deliverS = (Date.now() - deliverStart) / 1000;
    log(`all ${scenario.deliveries.length} deliveries answered in ${deliverS.toFixed(1)} s; draining`);

    const drainStart = Date.now();
    await killer;
    await stack.waitForDrain({ timeoutMs: options.drainTimeoutMs ?? 600_000, intervalMs: 250 });
    const drainS = (Date.now() - drainStart) / 1000;
    await worker.stop();
    worker = undefined;
    const totalS = (Date.now() - started) / 1000;

    const observed = await observe(stack);
    // The model of the whole log, the reconciles' commands in their places.
    const verdict = verify(runModel(logged), observed);
    const deliveryProblems = results.filter((r) => r.problem !== undefined).sort((a, b) => a.seq - b.seq);
    for (const r of deliveryProblems) verdict.problems.push(`delivery ${r.seq} (${r.label}, ${r.mode}): ${r.problem}`);
    if (stats.wholeBatchFailures > 0) log(`note: ${stats.wholeBatchFailures} whole-batch failures (function timeouts)`);

    let misfires: ChaosReport['misfires'];
    if (options.misfires !== false) {
      const { problems, ...figures } = await runMisfires({
        stack,
        ctx,
        model: runModel(logged),
        seed: options.seed,
        workerEnv,
        stats,
        log,
      });
      misfires = figures;
      verdict.problems.push(...problems);
    }

    const byStatus: Record<string, number> = {};
    for (const op of Object.values(observed.counters.byOperation ?? {})) {
      for (const [status, n] of Object.entries(op.byStatus)) byStatus[status] = (byStatus[status] ?? 0) + n;
    }
    const answers: Record<string, number> = {};
    for (const r of results) answers[r.status] = (answers[r.status] ?? 0) + 1;
    return {
      seed: options.seed,
      scenario: described,
      model: { ...model.counts, deadLetters: model.deadLetters.length },
      durations: { totalS, deliverS, drainS },
      eventsPerSecond: scenario.deliveries.length / (deliverS + drainS),
      usersApi: { calls: observed.counters.total, byStatus },
      worker: {
        ...stats,
        restarts: kills.length,
        killedMidBatch: kills.filter((k) => k.batchesInFlight > 0).length,
        kills,
      },
      ingest: { transientAnswers: Object.fromEntries(ctx.transientAnswers), answers },
      verdict,
      reconciles,
      ...(misfires === undefined ? {} : { misfires }),
      deliveryProblems,
    };
  } finally {
    await worker?.kill();
    await stack.stop();
  }
}

/** The figures, as printed by `npm run chaos`. */
export function formatReport(report: ChaosReport): string {
  const s = report.scenario;
  const v = report.verdict;
  const lines = [
    `chaos — seed ${report.seed}`,
    `  events            ${s.deliveries} deliveries: ${s.originals} events + ${s.retries} retries + ${s.lateRedeliveries} late redeliveries; ${s.heldBack} events held back (out of order)`,
    `  by source         ${Object.entries(s.bySource)
      .map(([k, n]) => `${k} ${n}`)
      .join(', ')}`,
    `  people            ${s.people} (${s.scimPeople} through SCIM)`,
    `  commands          ${s.logicalCommands} distinct, ${s.commandDeliveries} delivered`,
    `  model             ${report.model.applied} applied, ${report.model.noop} no-op, ${report.model.stale} stale, ${report.model.duplicate} duplicates reaching the worker, ${report.model.deduplicated} retried through ingest, ${report.model.deadLetters} dead-lettered`,
    `  duration          ${report.durations.totalS.toFixed(1)} s (deliveries ${report.durations.deliverS.toFixed(1)} s, drain ${report.durations.drainS.toFixed(1)} s)`,
    `  throughput        ${report.eventsPerSecond.toFixed(1)} events/s end to end`,
    `  Users API calls   ${report.usersApi.calls} (${Object.entries(report.usersApi.byStatus)
      .map(([k, n]) => `${k}: ${n}`)
      .join(', ')})`,
    `  worker            ${report.worker.restarts} kills (${report.worker.killedMidBatch} mid-batch), ${report.worker.batches} batches, ${report.worker.records} records (${report.worker.failed} left for redelivery), ${report.worker.wholeBatchFailures} whole-batch failures`,
    `  ingest            answers ${Object.entries(report.ingest.answers)
      .map(([k, n]) => `${k}: ${n}`)
      .join(', ')}; retried ${
      Object.entries(report.ingest.transientAnswers)
        .map(([k, n]) => `${k}: ${n}`)
        .join(', ') || 'nothing'
    }`,
    `  DLQ               ${v.figures.deadLetters} messages (${
      Object.entries(v.figures.byErrorClass)
        .map(([k, n]) => `${k} ${n}`)
        .join(', ') || 'none'
    }); model expects ${v.figures.expectedDeadLetters}; ${v.figures.deadLetterCopies} extra copies`,
    `  Users API users   ${v.figures.recordsInApi} records; ${v.figures.usersCompared} people compared with the model`,
    ...report.reconciles.map(
      (r, i) =>
        `  reconcile ${i + 1}       mid-scenario: create ${r.counts.create}, update ${r.counts.update}, adopt ${r.counts.adopt}, delete ${r.counts.delete}, unmanaged ${r.counts.unmanaged}, terminal ${r.counts.terminal}, in sync ${r.counts.inSync}; ${r.sent} commands sent`,
    ),
    ...(report.misfires
      ? [
          `  misfires          HR bulk leave of ${report.misfires.hrBulkLeave} (60 %) + ${report.misfires.oktaDeactivations} Okta deactivations (${report.misfires.reactivatedMeanwhile} reactivated meanwhile): limit ${report.misfires.limit}, ${report.misfires.passedBeforeTrip} deleted before the guard tripped, ${report.misfires.held} held and ${report.misfires.listed} listed; ${report.misfires.discarded} discarded, ${report.misfires.approved} approved → ${report.misfires.appliedAfterApproval} applied, ${report.misfires.superseded} superseded`,
        ]
      : []),
    v.problems.length === 0
      ? '  verdict           MATCHES THE MODEL: no command lost, nobody created twice, every DLQ message expected and permanent'
      : `  verdict           ${v.problems.length} PROBLEM(S):\n${v.problems
          .slice(0, 50)
          .map((p) => `    - ${p}`)
          .join('\n')}${v.problems.length > 50 ? `\n    … ${v.problems.length - 50} more` : ''}`,
  ];
  return lines.join('\n');
}

function parseArgs(argv: readonly string[]) {
  const options: {
    events: number;
    seed: number;
    scimShare?: number;
    restarts?: number;
    people?: number;
    concurrency?: number;
    instances?: number;
    json?: string;
    quiet: boolean;
  } = {
    events: 5000,
    seed: 1,
    quiet: false,
  };
  const numbers = ['events', 'seed', 'restarts', 'people', 'concurrency', 'instances'] as const;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [flag, inline] = arg.split('=', 2) as [string, string | undefined];
    const name = flag.replace(/^--/, '');
    if (name === 'quiet') {
      options.quiet = true;
      continue;
    }
    if (name === 'help' || name === 'h') {
      console.log(
        'usage: npm run chaos -- [--events N] [--seed N] [--restarts N] [--people N] [--concurrency N] [--instances N] [--json file] [--quiet]',
      );
      process.exit(0);
    }
    const value = inline ?? argv[++i];
    if (value === undefined) throw new Error(`${flag} needs a value`);
    if (name === 'json') options.json = value;
    else if (name === 'scim-share') {
      const share = Number(value);
      if (!(share >= 0 && share <= 1)) throw new Error(`${flag} takes a share from 0 to 1, not ${value}`);
      options.scimShare = share;
    } else if ((numbers as readonly string[]).includes(name)) {
      const n = Number(value);
      if (!Number.isInteger(n) || n < 0) throw new Error(`${flag} takes a whole number, not ${value}`);
      (options as Record<string, unknown>)[name] = n;
    } else throw new Error(`unknown option ${flag} (try --help)`);
  }
  if (options.events < 50) throw new Error('--events must be at least 50');
  return options;
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  const report = await runChaos({
    ...args,
    log: args.quiet ? undefined : (line) => console.log(`[chaos ${new Date().toISOString().slice(11, 19)}] ${line}`),
  });
  console.log(formatReport(report));
  if (args.json) {
    const path = resolve(args.json);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, `${JSON.stringify(report, null, 2)}\n`);
    console.log(`report written to ${path}`);
  }
  return report.verdict.problems.length === 0 ? 0 : 1;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main().then(
    (code) => {
      // Everything was stopped; exit rather than wait for a stray keep-alive socket to time out.
      process.exit(code);
    },
    (error: unknown) => {
      console.error(`chaos: ${(error as Error).stack ?? error}`);
      process.exitCode = 2;
    },
  );
}
