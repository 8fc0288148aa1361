import type { FieldError } from '@idp-sync/http';
import type * as z from 'zod/mini';

/**
 * Writes a path as JavaScript would reach it: `data.events[0].target[1].alternateId`. Keys that are not identifiers
 * are quoted (`fields["Work Email"]`).
 *
 * @example
 * formatPath(['data', 'events', 0, 'uuid']) // 'data.events[0].uuid'
 */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else if (typeof key === 'string' && /^[A-Za-z_$][\w$]*$/.test(key)) out += out ? `.${key}` : key;
    else out += `[${JSON.stringify(String(key))}]`;
  }
  return out || '(body)';
}

/** At most this many field errors are reported: enough to fix a payload, not enough to echo a huge one back. */
const MAX_REPORTED = 20;

/**
 * Turns zod issues into the `errors` of a problem+json answer, each path prefixed with where the validated value sits.
 *
 * @example
 * issuesToFieldErrors(result.error.issues, ['data']) // [{ path: 'data.email', message: 'must be an email address' }]
 */
export function issuesToFieldErrors(
  issues: readonly z.core.$ZodIssue[],
  prefix: readonly PropertyKey[] = [],
): FieldError[] {
  return issues.slice(0, MAX_REPORTED).map((issue) => ({
    path: formatPath([...prefix, ...issue.path]),
    message: issue.message,
  }));
}
