import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { redactEmail } from '@idp-sync/common';
import { approvedDeleteDeduplicationId, DELETION_APPROVED_ATTRIBUTE } from '@idp-sync/contracts';
import type { Command } from 'commander';
import { loadConfig } from '../../config';
import type { CommandContext } from '../../context';
import { openTable, type TableFlags, tableError } from '../../deletes/resolve';
import { type HeldDelete, MAX_HELD_READ } from '../../deletes/store';
import { assertPersonTagsUnambiguous, matchesFilter, parseFilter, type RawFilterOptions } from '../../dlq/filters';
import { type QueueFlags, resolveQueues } from '../../dlq/queues';
import type { DlqEntry } from '../../dlq/types';
import { CliError, UsageError } from '../../errors';
import { writeLine } from '../../io';
import { type PersonTagger, personTaggerFrom } from '../../person-tag';
import { confirm } from '../../prompt';
import { renderColumns, tableWidth } from '../../table';
import { addFilterOptions, filterOptionsOf } from '../dlq/options';

type Flags = TableFlags &
  QueueFlags &
  RawFilterOptions & {
    json?: boolean;
    showEmails?: boolean;
    all?: boolean;
    dryRun?: boolean;
    yes?: boolean;
    by?: string;
  };

/**
 * Registers `idp-sync deletes <list|approve|discard|rearm>`: what on-call needs when the deletion guard tripped.
 *
 * @example
 * registerDeletesCommands(program, ctx);
 */
export function registerDeletesCommands(program: Command, ctx: CommandContext): void {
  const deletes = program
    .command('deletes')
    .description(
      'The deletion guard and grace periods: list held deletes, approve or discard them, re-arm the guard, list scheduled deletes (runbook: README.md, "The deletion guard tripped", "Grace periods").',
    );

  common(deletes.command('list').description('Show the guard and the deletes it holds (person redacted).'))
    .option('--all', 'also list deletes already approved, applied, superseded or discarded')
    .option('--json', 'print a JSON array (for scripts)')
    .option('--show-emails', 'show full email addresses (redacted by default)')
    .action((opts: Flags) => run(ctx, opts, list));

  decide(deletes.command('approve'))
    .description(
      'Approve held deletes: record who approved them, then re-queue each original command in its person’s order. Try --dry-run first.',
    )
    .option('--queue-url <url>', 'the work queue URL (with --dlq-url, as for dlq replay)')
    .option('--dlq-url <url>', 'the dead-letter queue URL')
    .option('--endpoint-url <url>', 'SQS endpoint (default: SQS_ENDPOINT, or the local stack)')
    .action((opts: Flags) => run(ctx, opts, approve));

  decide(deletes.command('discard'))
    .description('Discard held deletes: they are never applied; who and when are recorded. Try --dry-run first.')
    .action((opts: Flags) => run(ctx, opts, discard));

  common(deletes.command('scheduled'))
    .description(
      'List deletes waiting out a grace period (GRACE_PERIOD_<SOURCE>): when each is due; a reactivation in the source cancels it.',
    )
    .option('--all', 'also list the ones already applied, cancelled or handed to the deletion guard (kept 30 days)')
    .option('--json', 'print a JSON array (for scripts)')
    .option('--show-emails', 'show full email addresses (redacted by default)')
    .action((opts: Flags) => run(ctx, opts, scheduled));

  common(deletes.command('recount'))
    .description(
      'Count the people this pipeline manages from the state table and set the guard’s count to it (the limit grows with it).',
    )
    .option('--by <name>', 'who recounts (default: $USER)')
    .action((opts: Flags) => run(ctx, opts, recount));

  common(deletes.command('rearm'))
    .description(
      'Re-arm the tripped guard: deletes are counted afresh from now. Deletes still held stay held until approved or discarded.',
    )
    .option('--by <name>', 'who re-arms it (default: $USER)')
    .action((opts: Flags) => run(ctx, opts, rearm));
}

/** Where the table (and, for approve, the work queue) come from. */
function common(cmd: Command): Command {
  return cmd
    .option('--stack <name>', "read the state table (and queues) from a deployed stack's outputs")
    .option('--table <name>', 'the state table name (AWS, or with --dynamodb-endpoint)')
    .option('--region <region>', 'AWS region (default: AWS_REGION / your AWS profile)')
    .option(
      '--dynamodb-endpoint <url>',
      'DynamoDB endpoint (default: DYNAMODB_ENDPOINT, or http://127.0.0.1:8000 for the local stack)',
    );
}

/** approve and discard: the dlq filters, a dry run, a confirmation. */
function decide(cmd: Command): Command {
  addFilterOptions(common(cmd));
  return cmd
    .option('--dry-run', 'print what would be done; change nothing')
    .option('-y, --yes', 'do not ask for confirmation (needed when stdin is not a terminal)')
    .option('--by <name>', 'who decides, recorded with the decision (default: $USER)');
}

async function run(
  ctx: CommandContext,
  opts: Flags,
  action: (ctx: CommandContext, opts: Flags, opened: Awaited<ReturnType<typeof openTable>>) => Promise<void>,
): Promise<void> {
  const opened = await openTable(ctx, opts);
  try {
    await action(ctx, opts, opened);
  } catch (error) {
    throw tableError(error, opened.where);
  } finally {
    opened.client.destroy();
  }
}

function who(ctx: CommandContext, by: string | undefined): string {
  const name = (by ?? ctx.io.env.USER ?? ctx.io.env.USERNAME ?? '').trim();
  if (!name) throw new UsageError('no name to record the decision under', 'pass --by <your name>');
  if (name.length > 128 || hasControlCharacter(name)) {
    throw new UsageError('--by must be a name of at most 128 printable characters', 'pass --by <your name>');
  }
  return name;
}

/** True when `text` holds a C0 control character or DEL (a name recorded and printed must not move the terminal). */
function hasControlCharacter(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}

/** A held delete in the shape the dlq filters read (its hold time stands for failed-at). */
function asEntry(h: HeldDelete): DlqEntry {
  return {
    messageId: h.commandId,
    receiptHandle: '',
    groupId: h.groupId,
    messageGroupId: h.groupId,
    origin: undefined,
    order: { queue: 'work', sequence: sequenceOf(h.sequenceNumber) },
    body: h.body,
    command: undefined,
    invalidBody: undefined,
    commandId: h.commandId,
    source: h.source,
    action: 'delete',
    email: h.email,
    reason: `DeleteHeld: ${h.reason}`,
    errorClass: 'DeleteHeld',
    errorMessage: h.reason,
    httpStatus: undefined,
    receiveCount: undefined,
    firstSeenAt: undefined,
    failedAt: h.heldAt,
    failedAtRecorded: true,
    permanent: undefined,
    originalMessageId: undefined,
    replayCount: 0,
    fromWorker: true,
    messageAttributes: {},
    systemAttributes: {},
  };
}

/** The work queue's SequenceNumber the worker stored, as a big integer (a stored value is data: digits only). */
function sequenceOf(value: string | undefined): bigint | undefined {
  return value !== undefined && /^\d{1,40}$/.test(value) ? BigInt(value) : undefined;
}

function row(h: HeldDelete, showEmails: boolean, personTag: PersonTagger) {
  return {
    commandId: h.commandId,
    source: h.source,
    event: h.sourceEventType ?? '',
    person: showEmails ? h.email : redactEmail(h.email),
    personTag: personTag(h.groupId),
    occurredAt: h.occurredAt,
    heldAt: h.heldAt,
    status: h.status,
    ...(h.approvedBy ? { approvedBy: h.approvedBy, approvedAt: h.approvedAt } : {}),
    ...(h.discardedBy ? { discardedBy: h.discardedBy, discardedAt: h.discardedAt } : {}),
  };
}

/** Cut first when wider than the terminal: the source's event, then the command id and the person. */
const SHRINK: Readonly<Record<string, { shrink: number; min: number }>> = {
  event: { shrink: 1, min: 12 },
  commandId: { shrink: 2, min: 16 },
  person: { shrink: 2, min: 12 },
};

function table(
  ctx: CommandContext,
  rows: ReadonlyArray<Record<string, unknown>>,
  columns: readonly string[] = [
    'commandId',
    'source',
    'event',
    'person',
    'personTag',
    'occurredAt',
    'heldAt',
    'status',
  ],
): string {
  return renderColumns(
    columns.map((header) => ({ header, ...SHRINK[header] })),
    rows.map((r) => columns.map((c) => String(r[c] ?? ''))),
    tableWidth(ctx.io.stdout),
  );
}

async function list(ctx: CommandContext, opts: Flags, opened: Awaited<ReturnType<typeof openTable>>) {
  const guard = await opened.store.guard();
  const all = await opened.store.listHeld();
  const shown = opts.all ? all : all.filter((h) => h.status === 'held');
  const personTag = personTaggerFrom(ctx.io.env);
  const rows = shown.map((h) => row(h, !!opts.showEmails, personTag));
  if (opts.json) ctx.io.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
  else if (rows.length > 0) ctx.io.stdout.write(table(ctx, rows));
  const state = guard.tripped
    ? `TRIPPED at ${guard.trippedAt ?? '?'} (${guard.trippedCount ?? '?'} deletes in the window, limit ${guard.trippedLimit ?? '?'}): every delete is held until re-armed`
    : `armed${guard.rearmedAt ? ` (re-armed by ${guard.rearmedBy} at ${guard.rearmedAt})` : ''}`;
  writeLine(ctx.io.stderr, `Deletion guard of ${opened.where}: ${state}; people managed: ${guard.managed}.`);
  const waiting = all.filter((h) => h.status === 'held').length;
  writeLine(ctx.io.stderr, `${waiting} delete(s) held${opts.all ? `, ${all.length} recorded in all` : ''}.`);
  if (all.length >= MAX_HELD_READ) {
    writeLine(
      ctx.io.stderr,
      `Only the first ${MAX_HELD_READ} recorded deletes were read: decide on these (filters narrow them), then run it again.`,
    );
  }
}

/** The held deletes a decision applies to: status `held` (and, for approve, `approved` ones to resume), filtered. */
function select(ctx: CommandContext, all: HeldDelete[], opts: Flags, statuses: string[]): HeldDelete[] {
  const filter = parseFilter(filterOptionsOf(opts), new Date(), personTaggerFrom(ctx.io.env));
  const candidates = all.filter((h) => statuses.includes(h.status));
  assertPersonTagsUnambiguous(filter, candidates.map(asEntry));
  return candidates.filter((h) => matchesFilter(filter, asEntry(h)));
}

async function confirmed(ctx: CommandContext, opts: Flags, question: string): Promise<boolean> {
  if (opts.yes) return true;
  if (!ctx.io.stdin.isTTY) {
    throw new UsageError(
      'this asks for confirmation, and stdin is not a terminal',
      'pass --yes to confirm (and try --dry-run first to see what it would do)',
    );
  }
  return await confirm(ctx.io, question);
}

async function approve(ctx: CommandContext, opts: Flags, opened: Awaited<ReturnType<typeof openTable>>) {
  const by = who(ctx, opts.by);
  const selected = select(ctx, await opened.store.listHeld(), opts, ['held', 'approved']);
  if (selected.length === 0) {
    writeLine(ctx.io.stderr, 'No held delete matches: nothing to approve.');
    return;
  }
  if (opts.dryRun) {
    ctx.io.stdout.write(
      table(
        ctx,
        selected.map((h) => row(h, !!opts.showEmails, personTaggerFrom(ctx.io.env))),
      ),
    );
    writeLine(ctx.io.stderr, `Dry run: would approve ${selected.length} delete(s) and re-queue them; nothing changed.`);
    return;
  }
  // Refused before anything is resolved or recorded when no one can confirm.
  if (!opts.yes && !ctx.io.stdin.isTTY) await confirmed(ctx, opts, '');
  // Resolved before anything is recorded: an approval whose command cannot be sent would wait for nothing.
  const queues = await resolveQueues(opts, loadConfig(ctx.io.env), {
    needQueue: true,
    cloudFormation: ctx.cloudFormation,
  });
  try {
    if (!(await confirmed(ctx, opts, `Approve and apply ${selected.length} held delete(s) as ${by}? [y/N] `))) {
      writeLine(ctx.io.stderr, 'Nothing approved.');
      return;
    }
    let sent = 0;
    let skipped = 0;
    for (const h of selected) {
      const at = new Date();
      // Recorded first: the worker lets the delete through only when the state table says it was approved.
      if (!(await opened.store.approve(h.commandId, by, at))) {
        skipped++;
        writeLine(ctx.io.stderr, `${h.commandId}: no longer held (someone decided meanwhile); skipped.`);
        continue;
      }
      await queues.client.send(
        new SendMessageCommand({
          QueueUrl: queues.queueUrl,
          MessageBody: h.body,
          MessageGroupId: h.groupId,
          MessageDeduplicationId: approvedDeleteDeduplicationId(h.commandId),
          MessageAttributes: { [DELETION_APPROVED_ATTRIBUTE]: { DataType: 'String', StringValue: by } },
        }),
      );
      sent++;
      writeLine(ctx.io.stdout, `approved ${h.commandId} (${redactOr(h, opts)}) by ${by} at ${at.toISOString()}`);
    }
    writeLine(
      ctx.io.stderr,
      `Approved and re-queued ${sent} delete(s)${skipped > 0 ? `, ${skipped} skipped` : ''}. The worker applies them unless the person has a newer event (then the delete is skipped as stale). The guard stays tripped until \`idp-sync deletes rearm\`.`,
    );
  } catch (error) {
    throw new CliError(
      `approval stopped: ${(error as Error).message}`,
      'run the same command again: approved deletes not yet sent are sent again (SQS and the worker drop duplicates)',
      { cause: error },
    );
  } finally {
    queues.client.destroy();
  }
}

function redactOr(h: HeldDelete, opts: Flags): string {
  return opts.showEmails ? h.email : redactEmail(h.email);
}

async function discard(ctx: CommandContext, opts: Flags, opened: Awaited<ReturnType<typeof openTable>>) {
  const by = who(ctx, opts.by);
  const selected = select(ctx, await opened.store.listHeld(), opts, ['held']);
  if (selected.length === 0) {
    writeLine(ctx.io.stderr, 'No held delete matches: nothing to discard.');
    return;
  }
  if (opts.dryRun) {
    ctx.io.stdout.write(
      table(
        ctx,
        selected.map((h) => row(h, !!opts.showEmails, personTaggerFrom(ctx.io.env))),
      ),
    );
    writeLine(ctx.io.stderr, `Dry run: would discard ${selected.length} delete(s); nothing changed.`);
    return;
  }
  if (
    !(await confirmed(ctx, opts, `Discard ${selected.length} held delete(s) as ${by}? They will never run. [y/N] `))
  ) {
    writeLine(ctx.io.stderr, 'Nothing discarded.');
    return;
  }
  let done = 0;
  for (const h of selected) {
    const at = new Date();
    if (!(await opened.store.discard(h.commandId, by, at))) {
      writeLine(ctx.io.stderr, `${h.commandId}: no longer held (someone decided meanwhile); skipped.`);
      continue;
    }
    done++;
    writeLine(ctx.io.stdout, `discarded ${h.commandId} (${redactOr(h, opts)}) by ${by} at ${at.toISOString()}`);
  }
  writeLine(ctx.io.stderr, `Discarded ${done} delete(s). If the people did leave, delete them from the source again.`);
}

async function scheduled(ctx: CommandContext, opts: Flags, opened: Awaited<ReturnType<typeof openTable>>) {
  const all = await opened.store.listScheduled();
  const waiting = all.filter((s) => s.status === 'pending' || s.status === 'due');
  const shown = opts.all ? all : waiting;
  const rows = shown.map((s) => ({
    commandId: s.commandId,
    source: s.source,
    event: s.sourceEventType,
    person: opts.showEmails ? s.email : redactEmail(s.email),
    occurredAt: s.occurredAt,
    dueAt: s.dueAt,
    status: s.status,
    ...(s.releasedAt ? { releasedAt: s.releasedAt } : {}),
    ...(s.doneAt ? { doneAt: s.doneAt } : {}),
    ...(s.revokedDeveloper ? { developerAccessRevoked: true } : {}),
  }));
  if (opts.json) ctx.io.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
  else if (rows.length > 0) {
    ctx.io.stdout.write(table(ctx, rows, ['commandId', 'source', 'event', 'person', 'occurredAt', 'dueAt', 'status']));
  }
  const overdue = waiting.filter((s) => s.status === 'pending' && s.dueAtMs < Date.now() - 5 * 60_000).length;
  writeLine(
    ctx.io.stderr,
    `${waiting.length} delete(s) wait out a grace period in ${opened.where}${opts.all ? ` (${all.length} recorded in all)` : ''}; each person keeps access until theirs is due.`,
  );
  if (overdue > 0) {
    writeLine(
      ctx.io.stderr,
      `${overdue} are more than 5 minutes past due: the grace sweeper is not running (AWS: its log group and the grace-sweeper-failing alarm; locally: is \`npm start\` running?).`,
    );
  }
}

async function recount(ctx: CommandContext, opts: Flags, opened: Awaited<ReturnType<typeof openTable>>) {
  const by = who(ctx, opts.by);
  const { before, after } = await opened.store.recount(by, new Date());
  writeLine(
    ctx.io.stdout,
    `People managed in ${opened.where}: ${after} (was ${before}), recounted by ${by}. People provisioned before idp-sync are counted once it has applied a command of theirs.`,
  );
}

async function rearm(ctx: CommandContext, opts: Flags, opened: Awaited<ReturnType<typeof openTable>>) {
  const by = who(ctx, opts.by);
  const before = await opened.store.guard();
  const at = new Date();
  await opened.store.rearm(by, at);
  const held = (await opened.store.listHeld()).filter((h) => h.status === 'held').length;
  writeLine(
    ctx.io.stdout,
    `Deletion guard of ${opened.where} re-armed by ${by} at ${at.toISOString()}${before.tripped ? '' : ' (it was not tripped)'}.`,
  );
  if (held > 0) {
    writeLine(ctx.io.stderr, `${held} delete(s) are still held: approve or discard them (idp-sync deletes list).`);
  }
}
