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
} from '@idp-sync/local-stack';
import { loadConfig } from '../../config';
import type { CommandContext } from '../../context';
import { describeError } from '../../describe-error';
import { renderTable, toRow } from '../../dlq/format';
import { resolveQueues } from '../../dlq/queues';
import { scanDlq } from '../../dlq/reader';
import { queueDepth } from '../../dlq/sqs';
import { CliError, UsageError } from '../../errors';
import { type CliIo, writeLine } from '../../io';
import { type StackFileUse, useLocalStackFile } from '../../local-stack-file';
import { tableWidth } from '../../table';

/** The demo found something it cannot work with, or the pipeline did not do what the scenario expects. */
export class DemoError extends CliError {}

/** How long the demo waits for its people to settle before it gives up (IDP_SYNC_DEMO_WAIT_SECONDS). */
function settleTimeoutMs(env: NodeJS.ProcessEnv): number {
  const raw = env.IDP_SYNC_DEMO_WAIT_SECONDS?.trim();
  if (!raw) return 60_000;
  if (!/^\d{1,4}$/.test(raw) || Number(raw) < 1) {
    throw new UsageError(
      `environment variable IDP_SYNC_DEMO_WAIT_SECONDS must be a whole number of seconds from 1 to 9999, not "${raw}"`,
      'fix or unset IDP_SYNC_DEMO_WAIT_SECONDS (default 60)',
    );
  }
  return Number(raw) * 1000;
}

interface Target extends DemoTarget {
  readonly description: string;
  readonly domain: string;
  /** Where the secrets came from, for the 401 message: `this environment`, or the stack file. */
  readonly secretsFrom: string;
  /** What to do when they do not match. */
  readonly secretsHint: string;
  /** Reads the DLQ entries of this run. */
  readDlq(): Promise<{ email: string | undefined; row: ReturnType<typeof toRow> }[]>;
  close(): Promise<void>;
}

async function isStackRunning(healthUrl: string): Promise<boolean> {
  try {
    // Marked as a probe: the stack does not log it (its console is for the deliveries).
    const response = await fetch(healthUrl, {
      headers: { 'x-idp-sync-probe': '1' },
      signal: AbortSignal.timeout(1_500),
    });
    const body = (await response.json().catch(() => undefined)) as { queue?: unknown } | undefined;
    return response.ok && typeof body?.queue === 'object';
  } catch {
    return false;
  }
}

/**
 * The DLQ's people of this run, read again only when the DLQ's depth changed (or 5 s went by): the demo asks every
 * poll while it waits, and a read hides each message for a moment from anyone else reading (SQS has no peek).
 */
function deadLettersOf(client: () => SQSClient, dlqUrl: () => Promise<string>, domain: string) {
  let depth = -1;
  let readAt = 0;
  let emails: ReadonlySet<string> = new Set();
  return async (): Promise<ReadonlySet<string>> => {
    const url = await dlqUrl();
    const { total } = await queueDepth(client(), url);
    if (total === depth && Date.now() - readAt < 5_000) return emails;
    const entries = total === 0 ? [] : await dlqOf(client(), url, domain);
    depth = total;
    readAt = Date.now();
    emails = new Set(entries.flatMap((e) => (e.email ? [e.email.toLowerCase()] : [])));
    return emails;
  };
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

/**
 * The stack `npm start` runs, found at HOST:PORT: the demo needs its secrets, from this environment or from the
 * stack file `npm start` wrote (`env` has them merged, the environment winning).
 */
async function runningStack(
  io: CliIo,
  env: NodeJS.ProcessEnv,
  host: string,
  ports: { ingest: number; emulator: number; sqs: number },
  stackFile: StackFileUse | undefined,
) {
  const ingestUrl = `http://${host}:${ports.ingest}`;
  const missing = STACK_SECRET_NAMES.filter((name) => !env[STACK_SECRET_ENV[name]]?.trim());
  if (missing.length > 0) {
    const why = stackFile?.ignored ? ` (${stackFile.ignored})` : '';
    throw new DemoError(
      `a local stack is running at ${ingestUrl}, but its secrets are not in this environment (${missing
        .map((n) => STACK_SECRET_ENV[n])
        .join(', ')}), and no stack file of it was found${why}`,
      'run the demo from the directory where that `npm start` runs (it writes .idp-sync/local-stack.json there), or paste the `export …` lines its banner printed into this terminal, or stop that stack and let the demo start its own',
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
    STACK_SECRET_NAMES.map((name) => [name, env[STACK_SECRET_ENV[name]] ?? '']),
  ) as unknown as StackSecrets;
  const fromFile = STACK_SECRET_NAMES.filter((name) => stackFile?.filled.includes(STACK_SECRET_ENV[name]));
  const domain = `acme-${randomBytes(3).toString('hex')}.example`;
  const endpointUrl = env.SQS_ENDPOINT?.trim() || `http://${host}:${ports.sqs}`;
  await checkSqs(io, env, endpointUrl, ingestUrl);
  const { client, dlqUrl } = await resolveQueues({ endpointUrl }, loadConfig(env), { needQueue: false });
  const target: Target = {
    description: `the local stack already running at ${ingestUrl}`,
    domain,
    secretsFrom:
      fromFile.length === 0
        ? 'the secrets in this environment'
        : fromFile.length === STACK_SECRET_NAMES.length
          ? `the secrets in ${stackFile?.display}`
          : `the secrets in this environment and in ${stackFile?.display}`,
    secretsHint:
      fromFile.length === 0
        ? 'paste the `export …` lines its banner printed into this terminal again (or unset them, stop that stack and let the demo start its own)'
        : `stop and start that stack again (npm start writes ${stackFile?.display} anew), or paste the \`export …\` lines its banner printed into this terminal`,
    ingestUrl,
    secrets,
    oktaAuthHeader: env.OKTA_AUTH_HEADER?.trim() || 'authorization',
    emulatorUrl,
    deadLetteredEmails: deadLettersOf(
      () => client,
      async () => dlqUrl,
      domain,
    ),
    readDlq: () => dlqOf(client, dlqUrl, domain),
    close: async () => {
      client.destroy();
    },
  };
  return target;
}

/**
 * The demo reads the running stack's DLQ at the end: check it can, before sending anything (a stack on other ports
 * than the defaults would otherwise get every delivery and then fail with ECONNREFUSED).
 */
async function checkSqs(io: CliIo, env: NodeJS.ProcessEnv, endpointUrl: string, ingestUrl: string): Promise<void> {
  const which = io.env.SQS_ENDPOINT?.trim() ? 'SQS_ENDPOINT' : 'SQS_PORT';
  let queues: Awaited<ReturnType<typeof resolveQueues>> | undefined;
  try {
    queues = await resolveQueues({ endpointUrl }, loadConfig(env), { needQueue: false });
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
    secretsFrom: 'its own secrets',
    secretsHint: 'run the tests (npm test) to narrow it down',
    ingestUrl: stack.urls.ingest,
    secrets: stack.secrets,
    oktaAuthHeader: stack.settings.oktaAuthHeader,
    emulatorUrl: stack.urls.usersApi,
    deadLetteredEmails: deadLettersOf(
      () => stack.sqsClient,
      async () => stack.queues.dlqUrl,
      domain,
    ),
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
 * `idp-sync demo`: uses the local stack that `npm start` runs — found through its stack file
 * (`.idp-sync/local-stack.json`: ports and secrets), or at HOST:PORT with its secrets in the environment — else
 * starts one of its own; sends a realistic, correctly signed scenario from every source; waits until each of its own
 * people reached the state the scenario expects (or the DLQ); prints the users before and after, the DLQ with reasons and the Users API calls; stops what it started.
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
    // A stack `npm start` runs in this directory left its ports and secrets in its stack file; the environment wins.
    let stackFile: StackFileUse | undefined = useLocalStackFile(io.env);
    if (stackFile.file && !(await isStackRunning(`${stackFile.file.urls.ingest}/health`))) {
      stackFile = {
        ...stackFile,
        env: io.env,
        filled: [],
        ignored: `${stackFile.display} names a stack at ${stackFile.file.urls.ingest}, but nothing answers there: not used`,
      };
    }
    if (stackFile.ignored) writeLine(io.stdout, `note: ${stackFile.ignored}`);
    const env = stackFile.filled.length > 0 ? stackFile.env : io.env;
    const config = loadLocalStackConfig(env);
    const running = await isStackRunning(`http://${config.host}:${config.port}/health`);
    target = running
      ? await runningStack(
          io,
          env,
          config.host,
          { ingest: config.port, emulator: config.emulatorPort, sqs: config.sqsPort },
          stackFile,
        )
      : await ownStack(io);
    if (running && stackFile.filled.length > 0) {
      // Names only, never a value.
      writeLine(io.stdout, `(this stack's ports and secrets from ${stackFile.display})`);
    }
  } catch (error) {
    if (error instanceof LocalStackError) throw new DemoError(error.message, error.hint, { cause: error });
    throw error;
  }
  try {
    writeLine(io.stdout, `idp-sync demo — against ${target.description}`);
    const scenario = demoScenario(target.domain);
    let run: DemoRun;
    try {
      run = await runDemoScenario(target, scenario, (line) => writeLine(io.stdout, line), {
        timeoutMs: settleTimeoutMs(io.env),
      });
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
        `${unauthorized} deliver${unauthorized === 1 ? 'y was' : 'ies were'} refused with 401: ${target.secretsFrom} do not match ${target.description}`,
        target.secretsHint,
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
