import type { Command } from 'commander';
import type { CommandContext } from '../../context';
import { assertPersonTagsUnambiguous, matchesFilter, parseFilter, type RawFilterOptions } from '../../dlq/filters';
import { renderTable, toRow } from '../../dlq/format';
import { orderByPerson } from '../../dlq/order';
import { scanDlq } from '../../dlq/reader';
import { writeLine } from '../../io';
import { personTaggerFrom } from '../../person-tag';
import { tableWidth } from '../../table';
import { addFilterOptions, addQueueOptions, type CommonDlqOptions, filterOptionsOf } from './options';
import { announceRead, openQueues, regroupNote, unreachableNote } from './shared';

type ListOptions = CommonDlqOptions & RawFilterOptions;

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
  addQueueOptions(cmd);
  cmd
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
      const rows = orderByPerson(scan.entries)
        .flatMap((person) => person.entries)
        .filter((e) => matchesFilter(filter, e))
        .map((e) => toRow(e, { showEmails: !!opts.showEmails, personTag }));
      if (opts.json) ctx.io.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
      else if (rows.length > 0) ctx.io.stdout.write(renderTable(rows, tableWidth(ctx.io.stdout)));
      const summary =
        scan.entries.length === 0
          ? 'The DLQ is empty.'
          : `${rows.length} of ${scan.entries.length} message(s) read match the filters.`;
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
