import { readFile, writeFile } from 'node:fs/promises';
import { redactEmail } from '@idp-sync/common';
import { createSqsCommandSender } from '@idp-sync/contracts';
import {
  APPLIED_ACTIONS,
  applyPlan,
  PLAN_ACTIONS,
  type PlanRow,
  parsePlan,
  planFrom,
  ReconcileError,
  type ReconcilePlan,
  serializePlan,
} from '@idp-sync/reconcile';
import { fileDirectorySource } from '@idp-sync/reconcile/file';
import { oktaDirectorySource } from '@idp-sync/reconcile/okta';
import { workosDirectorySource } from '@idp-sync/reconcile/workos';
import { createDynamoDbScimUserStore, scimDirectorySource } from '@idp-sync/scim/service';
import { createUsersClient, UnauthorizedError, UsersApiError } from '@idp-sync/users-client';
import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import { loadConfig } from '../../config';
import type { CommandContext } from '../../context';
import { openTable, type TableFlags, tableError } from '../../deletes/resolve';
import { type QueueFlags, resolveQueues } from '../../dlq/queues';
import { CliError, UsageError } from '../../errors';
import { writeLine } from '../../io';
import { confirm } from '../../prompt';
import { renderColumns, tableWidth } from '../../table';

/** The sources of truth `--from` takes. */
export const RECONCILE_SOURCES = ['file', 'scim', 'okta', 'workos'] as const;

/** Where the local stack's Users API emulator listens by default (`USERS_API_EMULATOR_PORT`). */
const LOCAL_USERS_API_URL = 'http://127.0.0.1:4010';

type Flags = TableFlags &
  QueueFlags & {
    from?: string;
    file?: string;
    domain?: string[];
    apply?: boolean;
    yes?: boolean;
    deleteUnmanaged?: boolean;
    savePlan?: string;
    plan?: string;
    json?: boolean;
    showEmails?: boolean;
    usersApiUrl?: string;
    oktaOrgUrl?: string;
    oktaAppId?: string;
    oktaGroupId?: string;
    oktaSuspended?: string;
    workosDirectoryId?: string;
    workosBaseUrl?: string;
  };

const collect = (value: string, previous: string[] = []) => [...previous, value];

/**
 * Registers `idp-sync reconcile`: compare a source of truth with the Users API, print the drift, and (with `--apply`)
 * repair it through the work queue.
 *
 * @example
 * registerReconcileCommand(program, ctx);
 */
export function registerReconcileCommand(program: Command, ctx: CommandContext): void {
  program
    .command('reconcile')
    .description(
      'Compare a source of truth with the Users API and repair the drift through the queue (dry run unless --apply). Runbook: README.md, "Drift" and "Day one".',
    )
    .option('--from <source>', `the source of truth (${RECONCILE_SOURCES.join(', ')})`)
    .option('--file <path>', 'with --from file: a CSV (header email,name,role,active) or JSON export')
    // --from scim: the SCIM store in the state table, i.e. what Entra or Okta SCIM says is assigned (active or not).
    .option(
      '--okta-org-url <url>',
      'with --from okta: the Okta org, e.g. https://acme.okta.com (default OKTA_ORG_URL); the token is OKTA_API_TOKEN',
    )
    .option('--okta-app-id <id>', 'with --from okta: the users assigned to this app')
    .option('--okta-group-id <id>', 'with --from okta: the members of this group (instead of an app)')
    .option(
      '--okta-suspended <as>',
      'with --from okta: SUSPENDED users are "active" (default) or "inactive" (as OKTA_SUSPEND_ACTION=delete)',
    )
    .option('--workos-directory-id <id>', 'with --from workos: the directory (directory_…); the key is WORKOS_API_KEY')
    .option(
      '--workos-base-url <url>',
      'with --from workos: the WorkOS API (default WORKOS_BASE_URL, else https://api.workos.com)',
    )
    .option('--domain <domain>', 'only people of this email domain (repeatable); others are left alone', collect)
    .option(
      '--delete-unmanaged',
      'also delete Users API accounts this pipeline never provisioned when the source does not have them active',
    )
    .option('--apply', 'send the plan’s commands to the work queue (asks first; --yes in scripts)')
    .option('-y, --yes', 'do not ask for confirmation (needed when stdin is not a terminal)')
    .option('--save-plan <path>', 'write the plan (with full emails) to a file, to review and apply later with --plan')
    .option('--plan <path>', 'print or apply a plan saved with --save-plan instead of taking a snapshot')
    .option('--json', 'print { counts, rows } as JSON (for scripts)')
    .option('--show-emails', 'show full email addresses (redacted by default)')
    .option(
      '--users-api-url <url>',
      `the Users API (default: ARIZE_BASE_URL, else the local stack's ${LOCAL_USERS_API_URL}); the key is ARIZE_API_KEY`,
    )
    .option('--stack <name>', "read the state table and the work queue from a deployed stack's outputs")
    .option('--table <name>', 'the state table name (AWS, or with --dynamodb-endpoint)')
    .option('--region <region>', 'AWS region (default: AWS_REGION / your AWS profile)')
    .option('--dynamodb-endpoint <url>', 'DynamoDB endpoint (default: DYNAMODB_ENDPOINT, or the local stack)')
    .option('--queue-url <url>', 'the work queue URL (with --dlq-url, as for dlq replay)')
    .option('--dlq-url <url>', 'the dead-letter queue URL')
    .option('--endpoint-url <url>', 'SQS endpoint (default: SQS_ENDPOINT, or the local stack)')
    .action((opts: Flags) => reconcile(ctx, opts));
}

async function reconcile(ctx: CommandContext, opts: Flags): Promise<void> {
  const plan = opts.plan !== undefined ? await loadPlan(opts) : await snapshot(ctx, opts);
  printPlan(ctx, opts, plan);
  if (opts.savePlan !== undefined) {
    // Full emails: readable by its owner only.
    await writeFile(opts.savePlan, serializePlan(plan), { mode: 0o600 });
    writeLine(
      ctx.io.stderr,
      `Plan saved to ${opts.savePlan} (full emails, mode 600): apply it with --plan ${opts.savePlan} --apply.`,
    );
  }
  const toSend = plan.rows.filter((r) => APPLIED_ACTIONS.includes(r.action)).length;
  if (!opts.apply) {
    writeLine(
      ctx.io.stderr,
      toSend === 0
        ? 'Nothing to apply: the Users API matches the source (reports aside).'
        : `Dry run: nothing sent. To apply these ${toSend} change(s), run it again with --apply${opts.savePlan ? ` (or --plan ${opts.savePlan} --apply)` : ''}.`,
    );
    return;
  }
  if (toSend === 0) {
    writeLine(ctx.io.stderr, 'Nothing to apply: the Users API matches the source (reports aside).');
    return;
  }
  await apply(ctx, opts, plan, toSend);
}

async function loadPlan(opts: Flags): Promise<ReconcilePlan> {
  if (opts.from !== undefined || opts.file !== undefined) {
    throw new UsageError(
      '--plan applies a saved plan: it takes no --from or --file',
      'drop --from/--file, or drop --plan',
    );
  }
  let text: string;
  try {
    text = await readFile(opts.plan as string, 'utf8');
  } catch (error) {
    throw new CliError(`cannot read ${opts.plan}: ${(error as Error).message}`, 'check the path given to --plan', {
      cause: error,
    });
  }
  try {
    return parsePlan(text, opts.plan as string);
  } catch (error) {
    throw asCliError(error);
  }
}

async function snapshot(ctx: CommandContext, opts: Flags): Promise<ReconcilePlan> {
  if (opts.from === undefined)
    throw new UsageError('no source of truth', `pass --from ${RECONCILE_SOURCES.join('|')} (or --plan <saved plan>)`);
  if (!(RECONCILE_SOURCES as readonly string[]).includes(opts.from)) {
    throw new UsageError(
      `--from "${opts.from}" is not a source reconcile reads`,
      `use one of: ${RECONCILE_SOURCES.join(', ')}`,
    );
  }
  if (opts.from === 'file' && opts.file === undefined) {
    throw new UsageError('--from file needs --file <path>', 'pass --file people.csv (or .json)');
  }
  if (opts.from !== 'file' && opts.file !== undefined)
    throw new UsageError(`--from ${opts.from} takes no --file`, 'drop --file');
  const env = ctx.io.env;
  const apiKey = env.ARIZE_API_KEY?.trim() || env.USERS_API_EMULATOR_KEY?.trim();
  if (!apiKey) {
    throw new UsageError(
      'no Users API key',
      'set ARIZE_API_KEY (for the local stack: the emulator key npm start printed, or USERS_API_EMULATOR_KEY)',
    );
  }
  const baseUrl = opts.usersApiUrl ?? (env.ARIZE_BASE_URL?.trim() || (opts.stack ? undefined : LOCAL_USERS_API_URL));
  const users = createUsersClient({ apiKey, ...(baseUrl ? { baseUrl } : {}), userAgent: 'idp-sync-reconcile' });
  const opened = await openTable(ctx, opts);
  try {
    const plan = await planFrom({
      source: sourceOf(opts, env, opened),
      users: users.users,
      dynamoClient: opened.client,
      tableName: opened.table,
      scope: opts.domain ?? [],
      deleteUnmanaged: opts.deleteUnmanaged === true,
    });
    writeLine(
      ctx.io.stderr,
      `Snapshot ${plan.snapshotId} of ${plan.source} at ${plan.takenAt}, against the Users API${baseUrl ? ` at ${baseUrl}` : ''} and ${opened.where}${plan.scope.length > 0 ? `; scope: ${plan.scope.join(', ')}` : ''}.`,
    );
    return plan;
  } catch (error) {
    if (error instanceof UnauthorizedError) {
      throw new CliError('the Users API refused the key (401)', 'check ARIZE_API_KEY (and --users-api-url)', {
        cause: error,
      });
    }
    if (error instanceof UsersApiError) {
      throw new CliError(`the Users API failed: ${error.message}`, 'try again; check --users-api-url and the key', {
        cause: error,
      });
    }
    if (error instanceof ReconcileError) throw asCliError(error);
    if ((error as { code?: string }).code === 'ENOENT') {
      throw new CliError(`no file ${opts.file}`, 'check the path given to --file', { cause: error });
    }
    throw tableError(error, opened.where);
  } finally {
    opened.client.destroy();
    await users.close();
  }
}

/** The source of truth `--from` names, checked before anything is read. */
function sourceOf(opts: Flags, env: NodeJS.ProcessEnv, opened: Awaited<ReturnType<typeof openTable>>) {
  if (opts.from === 'scim') {
    return scimDirectorySource(createDynamoDbScimUserStore({ client: opened.client, tableName: opened.table }));
  }
  if (opts.from === 'okta') return oktaSourceOf(opts, env);
  if (opts.from === 'workos') return workosSourceOf(opts, env);
  return fileDirectorySource(opts.file as string);
}

function oktaSourceOf(opts: Flags, env: NodeJS.ProcessEnv) {
  const orgUrl = (opts.oktaOrgUrl ?? env.OKTA_ORG_URL ?? '').trim();
  const token = env.OKTA_API_TOKEN?.trim();
  if (!orgUrl)
    throw new UsageError(
      '--from okta needs the Okta org',
      'pass --okta-org-url https://<your org>.okta.com (or set OKTA_ORG_URL)',
    );
  checkSecureUrl(orgUrl, '--okta-org-url', 'https://<your org>.okta.com');
  if (!token) {
    throw new UsageError(
      '--from okta needs an Okta API token',
      'set OKTA_API_TOKEN (a read-only admin’s API token; never on the command line)',
    );
  }
  if ((opts.oktaAppId === undefined) === (opts.oktaGroupId === undefined)) {
    throw new UsageError('--from okta reads one app or one group', 'pass --okta-app-id <id> or --okta-group-id <id>');
  }
  if (opts.oktaSuspended !== undefined && opts.oktaSuspended !== 'active' && opts.oktaSuspended !== 'inactive') {
    throw new UsageError(`--okta-suspended "${opts.oktaSuspended}"`, 'pass active or inactive');
  }
  return oktaDirectorySource({
    orgUrl,
    token,
    scope: opts.oktaAppId !== undefined ? { appId: opts.oktaAppId } : { groupId: opts.oktaGroupId as string },
    ...(opts.oktaSuspended === 'inactive' ? { suspended: 'inactive' as const } : {}),
  });
}

function workosSourceOf(opts: Flags, env: NodeJS.ProcessEnv) {
  const apiKey = env.WORKOS_API_KEY?.trim();
  if (!apiKey)
    throw new UsageError('--from workos needs a WorkOS API key', 'set WORKOS_API_KEY (never on the command line)');
  if (opts.workosDirectoryId === undefined || !/^[A-Za-z0-9_]{1,128}$/.test(opts.workosDirectoryId)) {
    throw new UsageError(
      '--from workos reads one directory',
      'pass --workos-directory-id directory_… (WorkOS dashboard, Directory Sync)',
    );
  }
  const baseUrl = (opts.workosBaseUrl ?? env.WORKOS_BASE_URL ?? '').trim() || undefined;
  if (baseUrl !== undefined) checkSecureUrl(baseUrl, '--workos-base-url', 'https://api.workos.com');
  return workosDirectorySource({
    directoryId: opts.workosDirectoryId,
    apiKey,
    ...(baseUrl === undefined ? {} : { baseUrl }),
  });
}

/** A URL a secret is sent to: https, or http on loopback (a local stand-in). */
function checkSecureUrl(value: string, flag: string, example: string): void {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`${flag} "${value}" is not a URL`, `pass ${example}`);
  }
  const loopback = url.hostname === 'localhost' || url.hostname.startsWith('127.');
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
    throw new UsageError(`${flag} must be https (the key goes with every request)`, `pass ${example}`);
  }
}

function asCliError(error: unknown): unknown {
  return error instanceof ReconcileError ? new CliError(error.message, error.hint, { cause: error }) : error;
}

function printPlan(ctx: CommandContext, opts: Flags, plan: ReconcilePlan): void {
  const person = (email: string) => (opts.showEmails ? email : redactEmail(email));
  const rows = plan.rows.map((r) => ({
    action: r.action,
    person: person(r.email),
    ...(r.name === undefined ? {} : { name: r.name }),
    ...(r.currentName === undefined ? {} : { currentName: r.currentName }),
    ...(r.role === undefined ? {} : { role: r.role }),
    ...(r.apiStatus === undefined ? {} : { apiStatus: r.apiStatus }),
    reason: r.reason,
  }));
  const c = plan.counts;
  if (opts.json) {
    ctx.io.stdout.write(
      `${JSON.stringify({ snapshotId: plan.snapshotId, takenAt: plan.takenAt, source: plan.source, scope: plan.scope, counts: c, rows }, null, 2)}\n`,
    );
  } else if (rows.length > 0) ctx.io.stdout.write(table(ctx, rows));
  writeLine(
    ctx.io.stderr,
    `Plan: ${PLAN_ACTIONS.filter((a) => APPLIED_ACTIONS.includes(a))
      .map((a) => `${a} ${c[a]}`)
      .join(
        ', ',
      )}; reported only: unmanaged ${c.unmanaged}, terminal ${c.terminal}; in sync ${c.inSync}; out of scope ${c.outOfScope} (source ${c.directory}, Users API ${c.usersApi} in scope).`,
  );
  if (c.terminal > 0) {
    writeLine(
      ctx.io.stderr,
      `${c.terminal} terminal: their emails were deleted and can never be created again — see each row.`,
    );
  }
  if (c.unmanaged > 0 && !plan.deleteUnmanaged) {
    writeLine(
      ctx.io.stderr,
      `${c.unmanaged} unmanaged: accounts this pipeline never provisioned, left alone (--delete-unmanaged deletes them).`,
    );
  }
}

function table(ctx: CommandContext, rows: ReadonlyArray<Record<string, string | undefined>>): string {
  // Cut first when wider than the terminal: the reason, then the name and the person.
  const columns = [
    { header: 'action' },
    { header: 'person', shrink: 2, min: 12 },
    { header: 'name', shrink: 2, min: 12 },
    { header: 'reason', shrink: 1, min: 24 },
  ];
  const cells = rows.map((r) =>
    columns.map(({ header: c }) =>
      c === 'name' && r.currentName !== undefined ? `${r.currentName} → ${r.name}` : (r[c] ?? ''),
    ),
  );
  return renderColumns(columns, cells, tableWidth(ctx.io.stdout));
}

function countsOf(rows: readonly PlanRow[]): string {
  return APPLIED_ACTIONS.map((a) => `${a} ${rows.filter((r) => r.action === a).length}`).join(', ');
}

async function apply(ctx: CommandContext, opts: Flags, plan: ReconcilePlan, toSend: number): Promise<void> {
  if (!opts.yes && !ctx.io.stdin.isTTY) {
    throw new UsageError(
      'applying asks for confirmation, and stdin is not a terminal',
      'pass --yes to confirm (run it without --apply first to see the plan)',
    );
  }
  const queues = await resolveQueues(opts, loadConfig(ctx.io.env), {
    needQueue: true,
    cloudFormation: ctx.cloudFormation,
  });
  try {
    const question = `Send ${toSend} command(s) (${countsOf(plan.rows)}) to the work queue of ${queues.where}? Deletes pass the deletion guard. [y/N] `;
    if (!opts.yes && !(await confirm(ctx.io, question))) {
      writeLine(ctx.io.stderr, 'Nothing sent.');
      return;
    }
    const sender = createSqsCommandSender({ client: queues.client, queueUrl: queues.queueUrl as string });
    const bar = ctx.io.stderr.isTTY
      ? new cliProgress.SingleBar(
          { stream: ctx.io.stderr, format: 'reconcile [{bar}] {value}/{total} sent', hideCursor: true },
          cliProgress.Presets.shades_classic,
        )
      : undefined;
    bar?.start(toSend, 0);
    let lastLine = Date.now();
    try {
      await applyPlan(plan, sender, (sent, total) => {
        bar?.update(sent);
        if (!bar && Date.now() - lastLine >= 5000) {
          lastLine = Date.now();
          writeLine(ctx.io.stderr, `reconcile: ${sent}/${total} sent`);
        }
      });
    } finally {
      bar?.stop();
    }
    writeLine(
      ctx.io.stdout,
      `Sent ${toSend} command(s) of snapshot ${plan.snapshotId} to ${queues.where}. The worker applies them in each person's order: failures wait in the DLQ (idp-sync dlq list), deletes over the guard's limit are held (idp-sync deletes list).`,
    );
  } catch (error) {
    if (error instanceof CliError) throw error;
    throw new CliError(
      `sending stopped: ${(error as Error).message}`,
      'run the same command again with --plan (save it with --save-plan): commands already sent are not applied twice',
      { cause: error },
    );
  } finally {
    queues.client.destroy();
  }
}
