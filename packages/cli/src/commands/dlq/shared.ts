import { DEFAULT_SQS_ENDPOINT } from '@idp-sync/local-stack/defaults';
import { loadConfig } from '../../config';
import type { CommandContext } from '../../context';
import { type QueueFlags, type ResolvedQueues, resolveQueues } from '../../dlq/queues';
import { READ_VISIBILITY_SECONDS } from '../../dlq/reader';
import { writeLine } from '../../io';

/**
 * Validates the environment and resolves the queues for a `dlq` command, recording what it talks to so that an
 * error can name it.
 *
 * @example
 * const { queues, config } = await openQueues(ctx, opts, false);
 */
export async function openQueues(ctx: CommandContext, flags: QueueFlags, needQueue: boolean) {
  const config = loadConfig(ctx.io.env);
  const local = flags.queueUrl === undefined && flags.dlqUrl === undefined && flags.stack === undefined;
  ctx.errorContext.local = local;
  if (local) {
    ctx.errorContext.where = `the local stack at ${flags.endpointUrl ?? config.SQS_ENDPOINT ?? DEFAULT_SQS_ENDPOINT}`;
  }
  const queues: ResolvedQueues = await resolveQueues(flags, config, {
    needQueue,
    cloudFormation: ctx.cloudFormation,
  });
  ctx.errorContext.where = queues.where;
  return { queues, config };
}

/**
 * Says, before reading, that reading consumes nothing (SQS has no peek: a read hides messages briefly). One short
 * line; the README and `--help` explain the 5-second visibility and its renewal.
 */
export function announceRead(ctx: CommandContext, where: string): void {
  writeLine(
    ctx.io.stderr,
    `Reading the DLQ of ${where} (nothing is consumed; all is released at the end, or within ${READ_VISIBILITY_SECONDS} s if killed).`,
  );
}

/**
 * Explains messages a read could not reach: in flight elsewhere (a replay running), or behind a message in the same
 * group that could not be re-grouped.
 */
export function unreachableNote(unreachable: number): string | undefined {
  if (unreachable <= 0) return undefined;
  return (
    `About ${unreachable} more message(s) could not be read: in flight elsewhere (a replay running?), or waiting ` +
    'behind a message of the same person that could not be re-grouped; list again in a moment.'
  );
}

/** Says that a read re-grouped messages SQS redrive (or an older worker) left in a person's group. */
export function regroupNote(regrouped: number): string | undefined {
  if (regrouped <= 0) return undefined;
  return (
    `${regrouped} message(s) moved by SQS redrive (or by an older worker) were re-grouped so they can be listed: ` +
    "each now sits in a DLQ group of its own, its person's group and order kept in its origin attribute."
  );
}
