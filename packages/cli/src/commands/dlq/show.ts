import type { Command } from 'commander';
import type { CommandContext } from '../../context';
import { renderDetail, toDetail } from '../../dlq/format';
import { scanDlq } from '../../dlq/reader';
import { CliError } from '../../errors';
import { personTaggerFrom } from '../../person-tag';
import { addQueueOptions, type CommonDlqOptions } from './options';
import { announceRead, openQueues, unreachableNote } from './shared';

/**
 * `idp-sync dlq show ID`: the whole message — command, reason, every attribute.
 *
 * @example
 * registerShowCommand(dlq, ctx);
 */
export function registerShowCommand(dlq: Command, ctx: CommandContext): void {
  const cmd = dlq
    .command('show')
    .description('Show one dead-lettered message whole: the command, the reason, every attribute.')
    .argument('<id>', 'the command id (as in `dlq list`) or the DLQ message id');
  addQueueOptions(cmd, { workQueue: false });
  cmd
    .option('--json', 'print the message as JSON')
    .option('--show-emails', 'show full email addresses (redacted by default)')
    .addHelpText(
      'after',
      '\nReading hides messages only while it runs (5 s at a time, renewed), then releases them all; nothing is consumed.',
    )
    .action(async (id: string, opts: CommonDlqOptions) => {
      const personTag = personTaggerFrom(ctx.io.env);
      const { queues, config } = await openQueues(ctx, opts, false);
      announceRead(ctx, queues.where);
      const scan = await scanDlq(queues.client, queues.dlqUrl, {
        waitTimeSeconds: config.IDP_SYNC_RECEIVE_WAIT_SECONDS,
        stopWhen: (e) => e.commandId === id || e.messageId === id,
        signal: ctx.io.signal,
      });
      const entry = scan.entries.find((e) => e.commandId === id || e.messageId === id);
      if (!entry) {
        const behind = unreachableNote(scan.unreachable);
        throw new CliError(
          `no message with id "${id}" among the ${scan.entries.length} readable in the DLQ`,
          `run \`idp-sync dlq list\` to see the ids${behind ? `. ${behind}` : ''}`,
        );
      }
      const detail = toDetail(entry, { showEmails: !!opts.showEmails, personTag });
      ctx.io.stdout.write(opts.json ? `${JSON.stringify(detail, null, 2)}\n` : renderDetail(detail));
    });
}
