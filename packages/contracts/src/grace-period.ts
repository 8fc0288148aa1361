import { createHash } from 'node:crypto';
import type { CommandSource } from './command/schema';

/**
 * What became of a scheduled delete (a deactivation waiting out its source's grace period):
 * - `pending`: waiting for its due time; a reactivation, a join or an update-to-active of the person cancels it;
 * - `due`: the sweeper re-queued it under the person's group; the worker applies it when it arrives;
 * - `applied`: the delete ran (or found the person gone);
 * - `cancelled`: the person came back within the window (or before the re-queued delete arrived);
 * - `held`: the deletion guard held it when it came due (see `idp-sync deletes`): it is the guard's from then on.
 */
export const PENDING_DELETE_STATUSES = ['pending', 'due', 'applied', 'cancelled', 'held'] as const;
export type PendingDeleteStatus = (typeof PENDING_DELETE_STATUSES)[number];

/** The partition of every scheduled delete: the sweeper reads it whole (a few hundred items at most, see the README). */
export const PENDING_DELETE_PK = 'pending-delete';

/**
 * The sort key of a person's scheduled delete: one per person (the first deactivation sets the due time; a second
 * one while it waits changes nothing), found by the email alone when the person comes back.
 *
 * @example
 * pendingDeleteSortKey('ada@example.com') // 'person#<64 hex>'
 */
export function pendingDeleteSortKey(email: string): string {
  return `person#${createHash('sha256').update(email, 'utf8').digest('hex')}`;
}

/**
 * The deduplication id of a scheduled delete the sweeper re-queues: deterministic per command and release, so two
 * sweeps racing over the same item send it once (beyond SQS's 5-minute window the item's status stops a second run).
 *
 * @example
 * releasedDeleteDeduplicationId('okta:1f2e', 1) // 64 hex characters
 */
export function releasedDeleteDeduplicationId(commandId: string, release: number): string {
  return createHash('sha256').update(`released-delete:${release}:${commandId}`, 'utf8').digest('hex');
}

/**
 * The delete events each source marks as an explicit termination (the record itself is gone in the source): applied
 * at once even when the source has a grace period. Every other delete is a deactivation (Okta deactivate, suspend or
 * unassign; SCIM `active: false`; WorkOS `state: inactive`; BambooHR `Inactive`; an HR leave), which a grace period
 * delays. The HR format has only leaves, so a grace period set for `hr` delays every HR leave.
 */
export const EXPLICIT_TERMINATIONS: Readonly<Record<CommandSource, readonly string[]>> = Object.freeze({
  okta: Object.freeze(['user.lifecycle.delete.initiated']),
  // Entra sends DELETE when a user is hard-deleted (30 days after a soft delete, or when so configured); Okta never does.
  scim: Object.freeze(['scim.user.delete']),
  hr: Object.freeze([]),
  workos: Object.freeze(['dsync.user.deleted', 'dsync.deleted']),
  bamboohr: Object.freeze(['employee.deleted', 'Deleted']),
  // A reconcile delete is of someone the source of truth no longer has active: a deactivation like any other.
  reconcile: Object.freeze([]),
});

/**
 * Whether a delete command is an explicit termination (applied at once) or a deactivation (delayed by a grace period).
 *
 * @example
 * deleteKind({ source: 'okta', sourceEventType: 'user.lifecycle.deactivate' }) // 'deactivation'
 * deleteKind({ source: 'scim', sourceEventType: 'scim.user.delete' }) // 'termination'
 */
export function deleteKind(command: {
  source: CommandSource;
  sourceEventType: string;
}): 'deactivation' | 'termination' {
  const terminations = Object.hasOwn(EXPLICIT_TERMINATIONS, command.source)
    ? EXPLICIT_TERMINATIONS[command.source]
    : [];
  return terminations.includes(command.sourceEventType) ? 'termination' : 'deactivation';
}

/** The longest grace period accepted: the person keeps access for all of it. */
export const MAX_GRACE_PERIOD_MS = 90 * 24 * 3_600_000;

/**
 * Parses a grace period written as an ISO 8601 duration of days, hours, minutes and seconds (`PT24H`, `P7D`,
 * `P1DT12H`, `PT90M`); years, months and weeks are refused (their length is not fixed). `PT0S` is no grace period.
 * Returns milliseconds, or a message saying what is wrong.
 *
 * @example
 * parseGracePeriod('PT24H') // { ms: 86_400_000 }
 * parseGracePeriod('24h') // { problem: 'must be an ISO 8601 duration such as PT24H or P7D' }
 */
export function parseGracePeriod(text: string): { ms: number } | { problem: string } {
  const match = /^P(?:(\d{1,3})D)?(?:T(?:(\d{1,4})H)?(?:(\d{1,6})M)?(?:(\d{1,8})S)?)?$/.exec(text.trim().toUpperCase());
  if (match === null || text.trim().toUpperCase() === 'P' || /T$/.test(text.trim())) {
    return { problem: 'must be an ISO 8601 duration such as PT24H or P7D (days, hours, minutes, seconds)' };
  }
  const [, d, h, m, s] = match;
  const ms = (Number(d ?? 0) * 86_400 + Number(h ?? 0) * 3_600 + Number(m ?? 0) * 60 + Number(s ?? 0)) * 1000;
  if (ms > MAX_GRACE_PERIOD_MS) return { problem: 'must be at most P90D: the person keeps access for all of it' };
  return { ms };
}

/**
 * A duration in milliseconds as ISO 8601 (whole seconds), for log lines and the CLI.
 *
 * @example
 * formatGracePeriod(86_400_000) // 'P1D'
 */
export function formatGracePeriod(ms: number): string {
  let seconds = Math.round(ms / 1000);
  const days = Math.floor(seconds / 86_400);
  seconds -= days * 86_400;
  const hours = Math.floor(seconds / 3_600);
  seconds -= hours * 3_600;
  const minutes = Math.floor(seconds / 60);
  seconds -= minutes * 60;
  const time = `${hours ? `${hours}H` : ''}${minutes ? `${minutes}M` : ''}${seconds ? `${seconds}S` : ''}`;
  if (days === 0 && time === '') return 'PT0S';
  return `P${days ? `${days}D` : ''}${time ? `T${time}` : ''}`;
}
