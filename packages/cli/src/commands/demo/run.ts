import { randomBytes } from 'node:crypto';
import type { SQSClient } from '@aws-sdk/client-sqs';
import {
  type DemoRun,
  type DemoTarget,
  demoScenario,
  emulatorControl,
  type LocalStack,
  LocalStackError,
  loadLocalStackConfig,
  renderCalls,
  renderChecks,
  renderUsers,
  runDemoScenario,
  STACK_SECRET_ENV,
  STACK_SECRET_NAMES,
  type StackSecrets,
  startLocalStack,
  waitForDrainAt,
} from '@idp-sync/local-stack';
import { loadConfig } from '../../config';
import type { CommandContext } from '../../context';
import { describeError } from '../../describe-error';
import { renderTable, toRow } from '../../dlq/format';
import { resolveQueues } from '../../dlq/queues';
import { scanDlq } from '../../dlq/reader';
import { queueDepth } from '../../dlq/sqs';
import { CliError } from '../../errors';
import { type CliIo, writeLine } from '../../io';
import { tableWidth } from '../../table';

/** The demo found something it cannot work with, or the pipeline did not do what the scenario expects. */
export class DemoError extends CliError {}

/** How long the demo waits for the queue to drain before it gives up. */
const DRAIN_TIMEOUT_MS = 60_000;

interface Target extends DemoTarget {
  readonly description: string;
  readonly domain: string;
  /** Reads the DLQ entries of this run. */
  readDlq(): Promise<{ email: string | undefined; row: ReturnType<typeof toRow> }[]>;
  close(): Promise<void>;
}

async function isStackRunning(healthUrl: string): Promise<boolean> {
  try {
    const response = await fetch(healthUrl, { signal: AbortSignal.timeout(1_500) });
    const body = (await response.json().catch(() => undefined)) as { queue?: unknown } | undefined;
    return response.ok && typeof body?.queue === 'object';
  } catch {
    return false;
  }
}

async function dlqOf(client: SQSClient, dlqUrl: string, domain: string) {
  const { entries } = await scanDlq(client, dlqUrl, { waitTimeSeconds: 0 });
  return (
    entries
      .filter((e) => (e.email ?? e.groupId ?? '').endsWith(`@${domain}`))
      // Emails redacted in the table, as `idp-sync dlq list` does; the checks use the full address.
      .map((e) => ({ email: e.email, row: toRow(e, { showEmails: false }) }))
  );
}

/** The stack `npm start` runs, found at HOST:PORT: the demo needs its secrets from this environment. */
async function runningStack(io: CliIo, host: string, ports: { ingest: number; emulator: number; sqs: number }) {
  const ingestUrl = `http://${host}:${ports.ingest}`;
  const missing = STACK_SECRET_NAMES.filter((name) => !io.env[STACK_SECRET_ENV[name]]?.trim());
  if (missing.length > 0) {
    throw new DemoError(
      `a local stack is running at ${ingestUrl}, but its secrets are not in this environment (${missing
        .map((n) => STACK_SECRET_ENV[n])
        .join(', ')})`,
      'paste the `export …` lines its banner printed into this terminal and run the demo again, or stop that stack and let the demo start its own',
    );
  }
  const emulatorUrl = `http://${host}:${ports.emulator}`;
  if (!(await emulatorControl(emulatorUrl).isUp())) {
    throw new DemoError(
      `the stack at ${ingestUrl} has no Users API emulator at ${emulatorUrl}`,
      'the demo only runs against the emulator: start the stack without ARIZE_BASE_URL, or set USERS_API_EMULATOR_PORT to its port',
    );
  }
  const secrets = Object.fromEntries(
    STACK_SECRET_NAMES.map((name) => [name, io.env[STACK_SECRET_ENV[name]] ?? '']),
  ) as unknown as StackSecrets;
  const domain = `acme-${randomBytes(3).toString('hex')}.example`;
  const endpointUrl = io.env.SQS_ENDPOINT?.trim() || `http://${host}:${ports.sqs}`;
  await checkSqs(io, endpointUrl, ingestUrl);
  const target: Target = {
    description: `the local stack already running at ${ingestUrl}`,
    domain,
    ingestUrl,
    secrets,
    oktaAuthHeader: io.env.OKTA_AUTH_HEADER?.trim() || 'authorization',
    emulatorUrl,
    waitForDrain: async () => {
      await waitForDrainAt(`${ingestUrl}/health`, { timeoutMs: DRAIN_TIMEOUT_MS });
    },
    readDlq: async () => {
      const { client, dlqUrl } = await resolveQueues({ endpointUrl }, loadConfig(io.env), { needQueue: false });
      try {
        return await dlqOf(client, dlqUrl, domain);
      } finally {
        client.destroy();
      }
    },
    close: async () => undefined,
  };
  return target;
}

/**
 * The demo reads the running stack's DLQ at the end: check it can, before sending anything (a stack on other ports
 * than the defaults would otherwise get every delivery and then fail with ECONNREFUSED).
 */
async function checkSqs(io: CliIo, endpointUrl: string, ingestUrl: string): Promise<void> {
  const which = io.env.SQS_ENDPOINT?.trim() ? 'SQS_ENDPOINT' : 'SQS_PORT';
  let queues: Awaited<ReturnType<typeof resolveQueues>> | undefined;
  try {
    queues = await resolveQueues({ endpointUrl }, loadConfig(io.env), { needQueue: false });
    await queueDepth(queues.client, queues.dlqUrl);
  } catch (error) {
    const { message } = describeError(error, { where: `SQS at ${endpointUrl}`, local: true });
    throw new DemoError(
      `a local stack is running at ${ingestUrl}, but the demo cannot read its DLQ: ${message}; nothing was sent`,
      `set ${which} (or SQS_ENDPOINT) to where that stack's SQS listens — its banner says, e.g. SQS_PORT=4570 npm run demo — ` +
        'or paste the `export …` lines its banner printed',
      { cause: error },
    );
  } finally {
    queues?.client.destroy();
  }
}

/** A stack of the demo's own, on free ports, always with the emulator. */
async function ownStack(io: CliIo): Promise<Target> {
  const config = loadLocalStackConfig(io.env);
  if (config.usersApi) {
    writeLine(io.stdout, 'note: the demo always uses its own Users API emulator (ARIZE_BASE_URL is not used).');
  }
  const stack: LocalStack = await startLocalStack({
    host: config.host,
    region: config.region,
    secrets: config.secrets,
    defaultRole: config.defaultRole,
    defaultInviteMode: config.defaultInviteMode,
    maxReceiveCount: config.maxReceiveCount,
    workerInstances: config.workerInstances,
    receiveWaitSeconds: 1,
    // The DLQ table shows the one failure the scenario provokes; the worker's error log would say it twice.
    logLevel: 'SILENT',
  });
  const domain = 'acme.example';
  return {
    description: 'a local stack of its own (free ports, stopped at the end)',
    domain,
    ingestUrl: stack.urls.ingest,
    secrets: stack.secrets,
    oktaAuthHeader: stack.settings.oktaAuthHeader,
    emulatorUrl: stack.urls.usersApi,
    waitForDrain: async () => {
      await stack.waitForDrain({ timeoutMs: DRAIN_TIMEOUT_MS });
    },
    readDlq: () => dlqOf(stack.sqsClient, stack.queues.dlqUrl, domain),
    close: () => stack.stop(),
  };
}

function report(io: CliIo, run: DemoRun, dlq: Awaited<ReturnType<Target['readDlq']>>, checks: string): void {
  const out = (text: string) => io.stdout.write(text);
  out('\nUsers before\n');
  out(renderUsers(run.before));
  out('\nUsers after\n');
  out(renderUsers(run.after, run.before));
  out(`\nDead-letter queue (${dlq.length} message${dlq.length === 1 ? '' : 's'} from this run)\n`);
  out(
    dlq.length === 0
      ? '(empty)\n'
      : renderTable(
          dlq.map((d) => d.row),
          tableWidth(io.stdout),
        ),
  );
  out('\n');
  out(renderCalls(run.calls));
  out('\nChecks\n');
  out(checks);
}

/**
 * `idp-sync demo`: uses the local stack at HOST:PORT if one is running (its secrets must be in the environment), else
 * starts one of its own; sends a realistic, correctly signed scenario from every source; waits for the queue to
 * drain; prints the users before and after, the DLQ with reasons and the Users API calls; stops what it started.
 *
 * @example
 * await runDemo(ctx);
 */
export async function runDemo(ctx: CommandContext): Promise<void> {
  const { io } = ctx;
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  process.env.DISABLE_PRERELEASE_WARNING ??= 'true';
  let target: Target;
  try {
    const config = loadLocalStackConfig(io.env);
    const running = await isStackRunning(`http://${config.host}:${config.port}/health`);
    target = running
      ? await runningStack(io, config.host, { ingest: config.port, emulator: config.emulatorPort, sqs: config.sqsPort })
      : await ownStack(io);
  } catch (error) {
    if (error instanceof LocalStackError) throw new DemoError(error.message, error.hint, { cause: error });
    throw error;
  }
  try {
    writeLine(io.stdout, `idp-sync demo — against ${target.description}`);
    const scenario = demoScenario(target.domain);
    let run: DemoRun;
    try {
      run = await runDemoScenario(target, scenario, (line) => writeLine(io.stdout, line));
    } catch (error) {
      if (error instanceof LocalStackError) throw new DemoError(error.message, error.hint, { cause: error });
      throw error;
    }
    const dlq = await target.readDlq();
    const checks = scenario.check({
      before: run.before,
      after: run.after,
      calls: run.calls,
      deadLetters: dlq.map((d) => ({ email: d.email, reason: d.row.reason })),
    });
    report(io, run, dlq, renderChecks(checks));
    const refused = [...run.setup, ...run.steps].filter((s) => !s.accepted);
    for (const step of refused) {
      writeLine(
        io.stderr,
        `refused: ${step.source} ${step.title} -> ${step.status ?? 'not sent'} ${step.problem ?? ''}`,
      );
    }
    const failed = checks.filter((c) => !c.ok).length;
    const unauthorized = refused.filter((s) => s.status === 401).length;
    if (unauthorized > 0) {
      throw new DemoError(
        `${unauthorized} deliver${unauthorized === 1 ? 'y was' : 'ies were'} refused with 401: the secrets in this environment do not match ${target.description}`,
        'paste the `export …` lines its banner printed into this terminal again (or unset them, stop that stack and let the demo start its own)',
      );
    }
    if (failed > 0 || refused.length > 0) {
      throw new DemoError(
        `the demo did not go as expected: ${failed} check(s) failed, ${refused.length} deliver${refused.length === 1 ? 'y' : 'ies'} refused`,
        'see the output above; run the tests (npm test) to narrow it down',
      );
    }
  } finally {
    await target.close();
  }
}
