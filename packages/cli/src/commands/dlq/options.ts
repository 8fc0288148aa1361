import { COMMAND_ACTIONS, COMMAND_SOURCES } from '@idp-sync/contracts';
import { DEFAULT_SQS_ENDPOINT } from '@idp-sync/local-stack/defaults';
import { type Command, InvalidArgumentError, Option } from 'commander';
import type { RawFilterOptions } from '../../dlq/filters';
import type { QueueFlags } from '../../dlq/queues';

/** Options every `dlq` command shares. */
export interface CommonDlqOptions extends QueueFlags {
  json?: boolean;
  showEmails?: boolean;
}

/**
 * Collects a repeatable option's values (`--id a --id b`).
 *
 * @example
 * cmd.option('--id <id>', 'a message', collect, []);
 */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/**
 * Parses a whole number ≥ 1 for an option, or tells commander it is invalid (exit code 2).
 *
 * @example
 * cmd.option('--max <n>', 'at most n', positiveInteger);
 */
export function positiveInteger(value: string): number {
  if (!/^\d+$/.test(value.trim()) || Number(value) < 1) {
    throw new InvalidArgumentError('expected a whole number of at least 1, e.g. 10.');
  }
  return Number(value);
}

/**
 * Parses a rate such as `50`, `50/s` or `0.5/s` (messages per second).
 *
 * @example
 * parseRate('50/s') // 50
 */
export function parseRate(value: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(?:\/\s*s)?\s*$/.exec(value);
  const rate = match ? Number(match[1]) : Number.NaN;
  if (!(rate > 0)) throw new InvalidArgumentError('expected messages per second, e.g. 50/s.');
  return rate;
}

/**
 * Where the queues come from: flags, a deployed stack, or the local stack. A command that only reads the DLQ (`list`,
 * `show`) still accepts `--queue-url`, so one set of flags serves every `dlq` command (the runbook's `$STACK`), but
 * does not list it in its help, where it would not apply.
 *
 * @example
 * addQueueOptions(dlq.command('list'), { workQueue: false });
 */
export function addQueueOptions(cmd: Command, { workQueue = true }: { workQueue?: boolean } = {}): Command {
  const queueUrl = new Option('--queue-url <url>', 'the work queue URL (replay sends messages back to it)');
  return cmd
    .option('--dlq-url <url>', 'the dead-letter queue URL')
    .addOption(workQueue ? queueUrl : queueUrl.hideHelp())
    .option(
      '--stack <name>',
      workQueue
        ? "read both URLs from a deployed stack's outputs (QueueUrl, DlqUrl)"
        : "read the DLQ's URL from a deployed stack's outputs (DlqUrl)",
    )
    .option('--region <region>', 'AWS region (default: AWS_REGION / your AWS profile)')
    .option(
      '--endpoint-url <url>',
      `SQS endpoint (default: SQS_ENDPOINT, or ${DEFAULT_SQS_ENDPOINT} for the local stack; AWS otherwise)`,
    );
}

/**
 * The filters shared by `list` and `replay`. Different flags combine with AND, repeated values with OR.
 *
 * @example
 * addFilterOptions(dlq.command('replay'));
 */
export function addFilterOptions(cmd: Command): Command {
  return cmd
    .option('--action <action>', `command action (${COMMAND_ACTIONS.join(', ')}); repeatable`, collect)
    .option('--source <source>', `command source (${COMMAND_SOURCES.join(', ')}); repeatable`, collect)
    .option('--reason <text>', 'text contained in the reason (error class or message), case-insensitive')
    .option('--status <code>', 'HTTP status of the failure, e.g. 409 or 5xx; repeatable', collect)
    .option('--email <email>', "the person's email; repeatable", collect)
    .option('--person <tag>', 'the person tag shown in the TAG column (no email needed); repeatable', collect)
    .option('--since <when>', 'failed at or after: RFC 3339 time or a duration ago (30m, 2h, 7d)')
    .option('--until <when>', 'failed at or before: RFC 3339 time or a duration ago')
    .option('--id <id>', 'command id or DLQ message id; repeatable', collect);
}

/** The filter flags out of a command's parsed options. */
export function filterOptionsOf(opts: RawFilterOptions): RawFilterOptions {
  const { action, source, reason, status, email, person, since, until, id } = opts;
  return { action, source, reason, status, email, person, since, until, id };
}
