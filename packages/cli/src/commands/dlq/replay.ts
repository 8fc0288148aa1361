import type { Command } from 'commander';
import type { CommandContext } from '../../context';
import { type DlqFilter, isEmptyFilter, matchesFilter, parseFilter, type RawFilterOptions } from '../../dlq/filters';
import { renderTable, toRow } from '../../dlq/format';
import { MOVE_TASK_MAX_RATE, runMoveTask } from '../../dlq/move-task';
import { planReplay } from '../../dlq/plan';
import type { ResolvedQueues } from '../../dlq/queues';
import { scanDlq } from '../../dlq/reader';
import { type ReplayResult, replayMessages } from '../../dlq/replay';
import { queueArn, queueDepth } from '../../dlq/sqs';
import { ReplayIncompleteError, UsageError } from '../../errors';
import { writeLine } from '../../io';
import { ReplayProgressDisplay } from '../../progress';
import { confirm } from '../../prompt';
import {
  addFilterOptions,
  addQueueOptions,
  type CommonDlqOptions,
  filterOptionsOf,
  parseRate,
  positiveInteger,
} from './options';
import { announceRead, openQueues, unreachableNote } from './shared';

type ReplayOptions = CommonDlqOptions &
  RawFilterOptions & {
    dryRun?: boolean;
    max?: number;
    rate?: number;
    yes?: boolean;
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
    .option('--no-move-task', 'never use StartMessageMoveTask, even to replay everything')
    .option('--json', 'with --dry-run: print the messages that would move as JSON')
    .option('--show-emails', 'show full email addresses (redacted by default)')
    .addHelpText(
      'after',
      [
        '',
        'Safe to interrupt (Ctrl-C stops after the messages in flight): a message is deleted from the DLQ only after',
        'it was sent, so a crash can leave a duplicate (absorbed by idempotency on the command id), never a loss.',
        'Without filters and --max, StartMessageMoveTask is used where the endpoint supports it (max 500 msg/s).',
        'Examples:',
        '  idp-sync dlq replay --status 5xx --dry-run',
        '  idp-sync dlq replay --status 5xx --rate 20/s',
        '  idp-sync dlq replay --id okta:00u1abcd --yes',
      ].join('\n'),
    )
    .action(async (opts: ReplayOptions) => {
      const filter = parseFilter(filterOptionsOf(opts));
      if (!opts.dryRun && !opts.yes && !ctx.io.stdin.isTTY) {
        throw new UsageError(
          'replay asks for confirmation, and stdin is not a terminal',
          'pass --yes to confirm (and try --dry-run first to see what would move)',
        );
      }
      const { queues, config } = await openQueues(ctx, opts, true);
      const waitTimeSeconds = config.IDP_SYNC_RECEIVE_WAIT_SECONDS;
      const everything = isEmptyFilter(filter) && opts.max === undefined;
      const run: ReplayRun = { ctx, queues, filter, opts, waitTimeSeconds, everything };

      if (opts.dryRun) {
        await dryRun(run);
        return;
      }
      // What the confirmation announced: the progress bar's total.
      let selected: number | undefined;
      if (!opts.yes) {
        const answer = await askConfirmation(run);
        if (answer === 'nothing') return;
        if (answer === 'declined') {
          // Saying no is a decision, not an error.
          writeLine(ctx.io.stderr, 'Nothing replayed.');
          return;
        }
        selected = answer;
      }

      if (everything && opts.moveTask) {
        const done = await tryMoveTask(ctx, queues, opts.rate);
        if (done) return;
      }
      await receiveSendDelete(run, selected);
    });
}

/** What one `replay` works on, once its options are read and its queues opened. */
interface ReplayRun {
  readonly ctx: CommandContext;
  readonly queues: ResolvedQueues;
  readonly filter: DlqFilter;
  readonly opts: ReplayOptions;
  readonly waitTimeSeconds: number;
  /** No filter and no --max: the whole DLQ. */
  readonly everything: boolean;
}

/** Reads the DLQ (saying where from) and plans which of its messages the filters and --max select. */
async function readSelection({ ctx, queues, filter, opts, waitTimeSeconds }: ReplayRun) {
  announceRead(ctx, queues.where);
  const scan = await scanDlq(queues.client, queues.dlqUrl, { waitTimeSeconds, signal: ctx.io.signal });
  return { scan, plan: planReplay(scan.entries, (e) => matchesFilter(filter, e), opts.max) };
}

async function dryRun(run: ReplayRun): Promise<void> {
  const { ctx, opts, everything } = run;
  const { io } = ctx;
  const { scan, plan } = await readSelection(run);
  const rows = plan.selected.map((e) => toRow(e, { showEmails: !!opts.showEmails }));
  if (opts.json) io.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
  else if (rows.length > 0) io.stdout.write(renderTable(rows));
  writeLine(
    io.stderr,
    `Dry run, nothing was changed: ${plan.selected.length} message(s) would move to the work queue, ` +
      `${plan.skipped.length} would stay${plan.beyondMax.length > 0 ? `, ${plan.beyondMax.length} are beyond --max` : ''}.`,
  );
  const behind = unreachableNote(scan.unreachable);
  if (behind) writeLine(io.stderr, `${behind} A replay considers them, with the same filters, as they come up.`);
  if (everything && opts.moveTask) {
    writeLine(io.stderr, 'Replaying everything uses StartMessageMoveTask where the endpoint supports it.');
  }
}

async function askConfirmation(run: ReplayRun): Promise<number | 'nothing' | 'declined'> {
  const { ctx, queues, opts, everything } = run;
  const { io } = ctx;
  let question: string;
  let selected: number;
  if (everything) {
    const depth = await queueDepth(queues.client, queues.dlqUrl);
    if (depth.total === 0) {
      writeLine(io.stderr, 'The DLQ is empty: nothing to replay.');
      return 'nothing';
    }
    selected = depth.total;
    question = `Replay all ${depth.total} message(s) of the DLQ of ${queues.where} back to the work queue? [y/N] `;
  } else {
    const { scan, plan } = await readSelection(run);
    const more = scan.unreachable > 0 && (opts.max === undefined || plan.selected.length < opts.max);
    if (plan.selected.length === 0 && !more) {
      writeLine(io.stderr, 'No message matches the filters: nothing to replay.');
      return 'nothing';
    }
    selected = plan.selected.length;
    question =
      `Replay ${plan.selected.length} message(s)${more ? ` (and any matching ones among ~${scan.unreachable} queued behind them)` : ''} ` +
      `from the DLQ of ${queues.where} back to the work queue? [y/N] `;
  }
  return (await confirm(io, question)) ? selected : 'declined';
}

/** Returns false when the endpoint lacks StartMessageMoveTask (the caller falls back). */
async function tryMoveTask(ctx: CommandContext, queues: ResolvedQueues, rate: number | undefined): Promise<boolean> {
  const { io } = ctx;
  const [dlqArn, targetArn] = await Promise.all([
    queueArn(queues.client, queues.dlqUrl),
    queueArn(queues.client, queues.queueUrl!),
  ]);
  if (rate !== undefined && rate > MOVE_TASK_MAX_RATE) {
    writeLine(io.stderr, `StartMessageMoveTask moves at most ${MOVE_TASK_MAX_RATE} msg/s; using that rate.`);
  }
  const depth = await queueDepth(queues.client, queues.dlqUrl);
  const progress = new ReplayProgressDisplay(io.stderr, depth.total);
  const outcome = await runMoveTask(queues.client, {
    dlqArn,
    queueArn: targetArn,
    ratePerSecond: rate === undefined ? undefined : Math.max(1, Math.min(MOVE_TASK_MAX_RATE, Math.floor(rate))),
    signal: io.signal,
    onProgress: ({ moved }) => progress.update({ moved, failed: 0, heldBack: 0 }),
  }).finally(() => progress.stop());
  if (outcome.kind === 'unsupported') {
    writeLine(
      io.stderr,
      `This SQS endpoint does not support StartMessageMoveTask (${outcome.detail}); ` +
        'falling back to receive → send → delete.',
    );
    return false;
  }
  writeLine(io.stderr, `Message move task ${outcome.status}: ${outcome.moved} message(s) moved.`);
  if (outcome.cancelled) {
    const left = await queueDepth(queues.client, queues.dlqUrl).catch(() => undefined);
    if (left?.total === 0) {
      writeLine(io.stderr, 'Nothing is left in the DLQ.');
      return true;
    }
    throw new ReplayIncompleteError(
      `interrupted: the move task was cancelled after ${outcome.moved} message(s)`,
      'the rest is still in the DLQ; run the same command again to continue',
    );
  }
  if (outcome.status !== 'COMPLETED') {
    throw new ReplayIncompleteError(
      `the message move task ended ${outcome.status}${outcome.failureReason ? `: ${outcome.failureReason}` : ''}`,
      'fix the cause, then run again (or pass --no-move-task to replay message by message)',
    );
  }
  return true;
}

async function receiveSendDelete(
  { ctx, queues, filter, opts, waitTimeSeconds }: ReplayRun,
  selected: number | undefined,
): Promise<void> {
  const { io } = ctx;
  // Without a confirmation (--yes) the selection was not counted: the DLQ's depth is the upper bound.
  const total = selected ?? (await queueDepth(queues.client, queues.dlqUrl)).total;
  const progress = new ReplayProgressDisplay(io.stderr, Math.min(total, opts.max ?? Number.POSITIVE_INFINITY));
  let result: ReplayResult;
  try {
    result = await replayMessages(queues.client, {
      dlqUrl: queues.dlqUrl,
      queueUrl: queues.queueUrl!,
      select: (e) => matchesFilter(filter, e),
      max: opts.max,
      ratePerSecond: opts.rate,
      waitTimeSeconds,
      signal: io.signal,
      onProgress: (p) => progress.update(p),
    });
  } finally {
    progress.stop();
  }
  const seconds = result.elapsedMs / 1000;
  const perSecond = seconds > 0 ? (result.moved / seconds).toFixed(1) : String(result.moved);
  const notSelected = result.skipped - result.heldBack - result.returned;
  writeLine(
    io.stderr,
    `Replay ${result.interrupted ? 'interrupted' : 'finished'}: ${result.moved} moved, ${result.failed} failed, ` +
      `${notSelected} not selected in ${seconds.toFixed(1)} s (${perSecond} msg/s).`,
  );
  if (result.heldBack > 0) {
    writeLine(
      io.stderr,
      `${result.heldBack} selected message(s) were held back behind an earlier message of the same person that was ` +
        "not replayed (so as not to overtake it); replay the person's messages together, e.g. with --email.",
    );
  }
  if (result.maxReached) writeLine(io.stderr, `Stopped at --max ${opts.max}.`);
  if (result.returned > 0) {
    writeLine(
      io.stderr,
      `${result.returned} command(s) this replay moved failed again and came back to the DLQ; they were not moved ` +
        'a second time: `idp-sync dlq list` shows why they failed.',
    );
  }
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
