import { PayloadError } from '@idp-sync/http';

/**
 * The most one delivery may fan out to, per source: counted on the raw payload before any schema walk, so that a
 * delivery over the limit costs a few microseconds and queues nothing. Each limit sits above what the 1 MiB body
 * limit (`MAX_BODY_BYTES`) lets a real delivery of that source carry, so a real delivery meets the body limit first
 * and never this one (Okta and BambooHR do not retry a 4xx: a refused real leave would be lost). What only a
 * hand-built payload can reach — thousands of people in entries smaller than any the vendor sends — is refused.
 *
 * - Okta: a LogEvent names its user as one `User` target (membership events add one app or group target). Okta's
 *   smallest documented LogEvent (`user.lifecycle.deactivate`) is 1.8 KB of compact JSON, so 1 MiB holds at most
 *   about 580 events and 580 users: 2,000 leaves a margin of 3.4.
 * - WorkOS `dsync.deleted`: WorkOS's documented payload names no users; when one does, a directory user (ids, names,
 *   emails, state, custom and raw attributes) is well over 500 bytes, so 1 MiB holds fewer than 2,000.
 * - BambooHR legacy `employees[]`: batches by design; an entry carries `id`, `action`, `timestamp`, `changedFields`
 *   and `fields`, at least 100 bytes even for a Deleted entry with empty fields, so 1 MiB holds at most about 10,400:
 *   the limit is 10,000 entries — and a delivery at it still answers in well under Okta's 3 s (README, figures).
 * - HR `users.left`: at most 1,000 people (`HR_BULK_LEAVE_MAX`, our own format's documented limit, checked by its
 *   schema before any email is walked).
 */
export const DELIVERY_LIMITS = {
  /** LogEvents in one Okta delivery (`data.events`). */
  oktaEvents: 2000,
  /** `User` targets across all LogEvents of one Okta delivery: at most this many commands. */
  oktaUsers: 2000,
  /** Users named by one WorkOS `dsync.deleted` (`data.users`). */
  workosDeletedUsers: 2000,
  /** Entries of one legacy field-based BambooHR delivery (`employees`). */
  bamboohrEmployees: 10_000,
  /** Commands one delivery of any source may become (checked after mapping, before anything is sent). */
  commands: 10_000,
} as const;

/**
 * Refuses a delivery that names more than `limit` of something: a 400 whose detail says how many it named, the limit
 * and what to do, with `path` naming the array; nothing of it is queued. (Positional and terse: the webhook bundle's
 * size budget is thin.)
 *
 * @example
 * assertWithinLimit(events.length, DELIVERY_LIMITS.oktaEvents, 'Okta LogEvents', 'data.events');
 */
export function assertWithinLimit(count: number, limit: number, what: string, path: string): void {
  if (count > limit) {
    throw new PayloadError(
      `${count} ${what} in one delivery; at most ${limit} are accepted. Nothing was queued: send smaller deliveries`,
      [{ path, message: `at most ${limit}` }],
    );
  }
}
