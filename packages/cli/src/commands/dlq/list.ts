import type { Command } from 'commander';
import type { CommandContext } from '../../context';
import { assertPersonTagsUnambiguous, matchesFilter, parseFilter, type RawFilterOptions } from '../../dlq/filters';
import { renderTable, toRow } from '../../dlq/format';
import { orderByPerson } from '../../dlq/order';
import { scanDlq } from '../../dlq/reader';
import { writeLine } from '../../io';
import { personTaggerFrom } from '../../person-tag';
import { tableWidth } from '../../table';
import { addFilterOptions, addQueueOptions, type CommonDlqOptions, filterOptionsOf, positiveInteger } from './options';
import { announceRead, openQueues, regroupNote, unreachableNote } from './shared';

type ListOptions = CommonDlqOptions & RawFilterOptions & { max?: number };

/**
 * `idp-sync dlq list`: one row per dead-lettered message, with why it failed.
 *
 * @example
 * registerListCommand(dlq, ctx);
 */
export function registerListCommand(dlq: Command, ctx: CommandContext): void {
  const cmd = dlq
    .command('list')
    .description(
      'List the dead-lettered messages: command id, source, action, person (redacted) and their tag, reason, HTTP status, receive count, failed-at.',
    );
  addFilterOptions(cmd);
  addQueueOptions(cmd, { workQueue: false });
  cmd
    .option('--max <n>', "list at most n messages (the first, each person's together, in order)", positiveInteger)
    .option('--json', 'print a JSON array (for scripts); notes still go to stderr')
    .option('--show-emails', 'show full email addresses (redacted by default)')
    .addHelpText(
      'after',
      '\nReading hides messages only while it runs (5 s at a time, renewed), then releases them all; nothing is consumed.\n' +
        'TAG tells people apart while emails are redacted (the same on every run; IDP_SYNC_PERSON_TAG_KEY keys it):\n' +
        'select one person by it with --person TAG.\n' +
        'Examples:\n  idp-sync dlq list\n  idp-sync dlq list --status 409 --since 2h\n  idp-sync dlq list --person 3f9a1c2b\n  idp-sync dlq list --json | jq length',
    )
    .action(async (opts: ListOptions) => {
      const personTag = personTaggerFrom(ctx.io.env);
      const filter = parseFilter(filterOptionsOf(opts), new Date(), personTag);
      const { queues, config } = await openQueues(ctx, opts, false);
      announceRead(ctx, queues.where);
      const scan = await scanDlq(queues.client, queues.dlqUrl, {
        waitTimeSeconds: config.IDP_SYNC_RECEIVE_WAIT_SECONDS,
        signal: ctx.io.signal,
      });
      assertPersonTagsUnambiguous(filter, scan.entries);
      // Each person's messages together, in their original order.
      const matching = orderByPerson(scan.entries)
        .flatMap((person) => person.entries)
        .filter((e) => matchesFilter(filter, e));
      const rows = matching
        .slice(0, opts.max ?? matching.length)
        .map((e) => toRow(e, { showEmails: !!opts.showEmails, personTag }));
      if (opts.json) ctx.io.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
      else if (rows.length > 0) ctx.io.stdout.write(renderTable(rows, tableWidth(ctx.io.stdout)));
      const summary =
        scan.entries.length === 0
          ? 'The DLQ is empty.'
          : `${matching.length} of ${scan.entries.length} message(s) read match the filters` +
            (rows.length < matching.length ? `; the first ${rows.length} are listed (--max ${opts.max}).` : '.');
      writeLine(ctx.io.stderr, summary);
      const regrouped = regroupNote(scan.regrouped);
      if (regrouped) writeLine(ctx.io.stderr, regrouped);
      const note = unreachableNote(scan.unreachable);
      if (note) writeLine(ctx.io.stderr, note);
      if (scan.notReleased > 0) {
        writeLine(ctx.io.stderr, `${scan.notReleased} message(s) could not be released; they reappear within 5 s.`);
      }
    });
}
