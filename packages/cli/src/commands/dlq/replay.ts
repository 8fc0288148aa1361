import type { Command } from 'commander';
import type { CommandContext } from '../../context';
import {
  assertPersonTagsUnambiguous,
  type DlqFilter,
  matchesFilter,
  parseFilter,
  type RawFilterOptions,
} from '../../dlq/filters';
import { renderTable, toRow } from '../../dlq/format';
import { isPermanentFailure } from '../../dlq/permanent';
import { planReplay, type ReplayPlan } from '../../dlq/plan';
import type { ResolvedQueues } from '../../dlq/queues';
import { scanDlq } from '../../dlq/reader';
import { type ReplayResult, replayMessages } from '../../dlq/replay';
import { queueDepth } from '../../dlq/sqs';
import type { DlqEntry } from '../../dlq/types';
import { ReplayIncompleteError, UsageError } from '../../errors';
import { writeLine } from '../../io';
import { personTaggerFrom } from '../../person-tag';
import { ReplayProgressDisplay } from '../../progress';
import { confirm } from '../../prompt';
import { tableWidth } from '../../table';
import {
  addFilterOptions,
  addQueueOptions,
  type CommonDlqOptions,
  filterOptionsOf,
  parseRate,
  positiveInteger,
} from './options';
import { announceRead, openQueues, regroupNote, unreachableNote } from './shared';

type ReplayOptions = CommonDlqOptions &
  RawFilterOptions & {
    dryRun?: boolean;
    max?: number;
    rate?: number;
    yes?: boolean;
    includePermanent?: boolean;
    moveTask: boolean;
  };

/**
 * `idp-sync dlq replay`: sends the selected messages back to the work queue (same person's group, same command id,
 * fresh deduplication id), deleting each from the DLQ only after its send succeeded.
 *
 * @example
 * registerReplayCommand(dlq, ctx);
 */
export function registerReplayCommand(dlq: Command, ctx: CommandContext): void {
  const cmd = dlq
    .command('replay')
    .description(
      'Move the selected messages back to the work queue, in order per person, each deleted from the DLQ only after it was sent.',
    );
  addFilterOptions(cmd);
  addQueueOptions(cmd);
  cmd
    .option('--dry-run', 'print what would move and change nothing')
    .option('--max <n>', 'move at most n messages', positiveInteger)
    .option('--rate <n/s>', 'move at most n messages per second, e.g. 20/s', parseRate)
    .option('-y, --yes', 'do not ask for confirmation (needed when stdin is not a terminal)')
    .option(
      '--include-permanent',
      'also replay permanent failures (EmailDeleted, ResetPasswordRejected, …), which otherwise stay in the DLQ',
    )
    .option('--no-move-task', 'no effect (a replay never uses StartMessageMoveTask); kept so scripts keep working')
    .option('--json', 'with --dry-run: print the messages that would move as JSON')
    .option('--show-emails', 'show full email addresses (redacted by default)')
    .addHelpText(
      'after',
      [
        '',
        'Safe to interrupt (Ctrl-C stops after the messages in flight): a message is deleted from the DLQ only after',
        'it was sent, so a crash can leave a duplicate (absorbed by idempotency on the command id), never a loss.',
        "Each person's messages go back in their order, in their group. Permanent failures stay unless --include-permanent.",
        'Examples:',
        '  idp-sync dlq replay --status 5xx --dry-run',
        '  idp-sync dlq replay --status 5xx --rate 20/s',
        '  idp-sync dlq replay --id okta:00u1abcd --yes',
      ].join('\n'),
    )
    .action(async (opts: ReplayOptions) => {
      const filter = parseFilter(filterOptionsOf(opts), new Date(), personTaggerFrom(ctx.io.env));
      if (!opts.dryRun && !opts.yes && !ctx.io.stdin.isTTY) {
        throw new UsageError(
          'replay asks for confirmation, and stdin is not a terminal',
          'pass --yes to confirm (and try --dry-run first to see what would move)',
        );
      }
      const { queues, config } = await openQueues(ctx, opts, true);
      const waitTimeSeconds = config.IDP_SYNC_RECEIVE_WAIT_SECONDS;

      if (opts.dryRun) {
        await dryRun(ctx, queues, filter, opts, waitTimeSeconds);
        return;
      }
      // What the confirmation announced: the progress bar's total.
      let selected: number | undefined;
      if (!opts.yes) {
        const answer = await askConfirmation(ctx, queues, filter, opts, waitTimeSeconds);
        if (answer === 'nothing') return;
        if (answer === 'declined') {
          // Saying no is a decision, not an error.
          writeLine(ctx.io.stderr, 'Nothing replayed.');
          return;
        }
        selected = answer;
      }
      await receiveSendDelete(ctx, queues, filter, opts, waitTimeSeconds, selected);
    });
}

/** The plan of a read: the same rules as the replay (`planReplay`), so a dry run counts what a replay moves. */
function planOf(entries: readonly DlqEntry[], filter: DlqFilter, opts: ReplayOptions): ReplayPlan {
  return planReplay(
    entries.filter((e) => e.groupId !== undefined),
    (e) => matchesFilter(filter, e),
    { max: opts.max, includePermanent: !!opts.includePermanent },
  );
}

/**
 * "2 of them are permanent failures (EmailDeleted 1, ResetPasswordRejected 1) and stay in the DLQ; …", or nothing.
 * Classes counted in a Map: a class is a message attribute, data, and never keys a plain object.
 */
export function permanentNote(plan: ReplayPlan): string | undefined {
  if (plan.permanent.length === 0) return undefined;
  const byClass = new Map<string, number>();
  for (const e of plan.permanent) byClass.set(e.errorClass ?? '?', (byClass.get(e.errorClass ?? '?') ?? 0) + 1);
  const classes = [...byClass].map(([name, n]) => `${name} ${n}`).join(', ');
  return (
    `${plan.permanent.length} of the messages matching the filters are permanent failures (${classes}): they stay in ` +
    'the DLQ (a replay fails them again), with any later message of the same person; pass --include-permanent to ' +
    'replay them too.'
  );
}

async function dryRun(
  ctx: CommandContext,
  queues: ResolvedQueues,
  filter: DlqFilter,
  opts: ReplayOptions,
  waitTimeSeconds: number,
): Promise<void> {
  const { io } = ctx;
  announceRead(ctx, queues.where);
  const scan = await scanDlq(queues.client, queues.dlqUrl, { waitTimeSeconds, signal: io.signal });
  assertPersonTagsUnambiguous(filter, scan.entries);
  const plan = planOf(scan.entries, filter, opts);
  const rows = plan.selected.map((e) => toRow(e, { showEmails: !!opts.showEmails, personTag: filter.personTag }));
  if (opts.json) io.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
  else if (rows.length > 0) io.stdout.write(renderTable(rows, tableWidth(io.stdout)));
  const extra = [
    plan.permanent.length > 0 ? `${plan.permanent.length} are permanent failures` : '',
    plan.heldBack.length > 0
      ? `${plan.heldBack.length} are held back behind a message of the same person that stays`
      : '',
    plan.beyondMax.length > 0 ? `${plan.beyondMax.length} are beyond --max` : '',
  ].filter(Boolean);
  writeLine(
    io.stderr,
    `Dry run, nothing was changed: ${plan.selected.length} message(s) would move to the work queue, ` +
      `${plan.skipped.length} would stay${extra.length > 0 ? ` (of which ${extra.join(', ')})` : ''}.`,
  );
  const permanent = permanentNote(plan);
  if (permanent) writeLine(io.stderr, permanent);
  const regrouped = regroupNote(scan.regrouped);
  if (regrouped) writeLine(io.stderr, regrouped);
  const behind = unreachableNote(scan.unreachable);
  if (behind) writeLine(io.stderr, behind);
}

async function askConfirmation(
  ctx: CommandContext,
  queues: ResolvedQueues,
  filter: DlqFilter,
  opts: ReplayOptions,
  waitTimeSeconds: number,
): Promise<number | 'nothing' | 'declined'> {
  const { io } = ctx;
  announceRead(ctx, queues.where);
  const scan = await scanDlq(queues.client, queues.dlqUrl, { waitTimeSeconds, signal: io.signal });
  if (scan.entries.length === 0) {
    writeLine(io.stderr, 'The DLQ is empty: nothing to replay.');
    return 'nothing';
  }
  assertPersonTagsUnambiguous(filter, scan.entries);
  const plan = planOf(scan.entries, filter, opts);
  const regrouped = regroupNote(scan.regrouped);
  if (regrouped) writeLine(io.stderr, regrouped);
  const permanent = permanentNote(plan);
  if (permanent) writeLine(io.stderr, permanent);
  if (plan.selected.length === 0) {
    writeLine(io.stderr, 'No message matches the filters: nothing to replay.');
    return 'nothing';
  }
  const permanentPart =
    plan.permanent.length > 0 ? ` (${plan.permanent.length} permanent failure(s) among the matches stay)` : '';
  const includedPart = opts.includePermanent
    ? ` (including ${plan.selected.filter(isPermanentFailure).length} permanent failure(s): --include-permanent)`
    : '';
  const question =
    `Replay ${plan.selected.length} of the ${scan.entries.length} message(s)${permanentPart}${includedPart} ` +
    `from the DLQ of ${queues.where} back to the work queue? [y/N] `;
  return (await confirm(io, question)) ? plan.selected.length : 'declined';
}

async function receiveSendDelete(
  ctx: CommandContext,
  queues: ResolvedQueues,
  filter: DlqFilter,
  opts: ReplayOptions,
  waitTimeSeconds: number,
  selected: number | undefined,
): Promise<void> {
  const { io } = ctx;
  // The bar appears once the replay has read the DLQ and knows what it moves (the confirmation's count, unless the
  // DLQ changed since).
  let progress: ReplayProgressDisplay | undefined;
  let plan: ReplayPlan | undefined;
  let result: ReplayResult;
  try {
    result = await replayMessages(queues.client, {
      dlqUrl: queues.dlqUrl,
      queueUrl: queues.queueUrl!,
      select: (e) => matchesFilter(filter, e),
      includePermanent: !!opts.includePermanent,
      max: opts.max,
      ratePerSecond: opts.rate,
      waitTimeSeconds,
      signal: io.signal,
      onPlan: (p) => {
        // Before anything is sent; thrown here, the replay releases what it read and sends nothing.
        assertPersonTagsUnambiguous(filter, [...p.selected, ...p.skipped]);
        plan = p;
        progress = new ReplayProgressDisplay(io.stderr, p.selected.length || selected || 0);
      },
      onProgress: (p) =>
        progress?.update({ moved: p.moved, failed: p.failed, heldBack: p.heldBack - (plan?.heldBack.length ?? 0) }),
    });
  } finally {
    progress?.stop();
  }
  const regrouped = regroupNote(result.regrouped);
  if (regrouped) writeLine(io.stderr, regrouped);
  const seconds = result.elapsedMs / 1000;
  const perSecond = seconds > 0 ? (result.moved / seconds).toFixed(1) : String(result.moved);
  const notSelected = result.skipped - result.heldBack - result.permanent - (plan?.beyondMax.length ?? 0);
  writeLine(
    io.stderr,
    `Replay ${result.interrupted ? 'interrupted' : 'finished'}: ${result.moved} moved, ${result.failed} failed, ` +
      `${notSelected} not selected${result.permanent > 0 ? `, ${result.permanent} permanent failure(s) left` : ''} ` +
      `in ${seconds.toFixed(1)} s (${perSecond} msg/s).`,
  );
  if (plan && plan.permanent.length > 0) writeLine(io.stderr, permanentNote(plan)!);
  if (result.heldBack > 0) {
    writeLine(
      io.stderr,
      `${result.heldBack} selected message(s) were held back behind an earlier message of the same person that was ` +
        "not replayed (so as not to overtake it); replay the person's messages together, e.g. with --email (and " +
        '--include-permanent if the one ahead is a permanent failure you mean to replay).',
    );
  }
  if (result.maxReached) writeLine(io.stderr, `Stopped at --max ${opts.max}.`);
  for (const f of result.failures.slice(0, 20)) {
    writeLine(io.stderr, `  failed: ${f.commandId ?? `(message ${f.messageId})`}: ${f.error}`);
  }
  if (result.failures.length > 20) writeLine(io.stderr, `  … and ${result.failures.length - 20} more`);
  if (result.leftInDlqAfterSend > 0) {
    writeLine(
      io.stderr,
      `${result.leftInDlqAfterSend} message(s) were sent but could not be deleted from the DLQ; replaying them again is safe (idempotent).`,
    );
  }
  if (result.interrupted) {
    const left = await queueDepth(queues.client, queues.dlqUrl).catch(() => undefined);
    if (left?.total === 0 && result.failed === 0) {
      writeLine(io.stderr, 'Nothing is left in the DLQ.');
      return;
    }
    throw new ReplayIncompleteError(
      `interrupted after ${result.moved} message(s) moved; nothing in flight was lost`,
      'run the same command again to continue with what is left',
    );
  }
  if (result.failed > 0) {
    throw new ReplayIncompleteError(
      `${result.failed} message(s) could not be sent and are still in the DLQ`,
      'see the errors above, fix the cause, then run the same command again',
    );
  }
}
