import { toAsciiLowerCase } from '@idp-sync/common';

/**
 * The key two emails are compared by: trimmed, ASCII letters lower-cased and nothing else (`toAsciiLowerCase`, for
 * the reason it gives: Unicode case mapping turns U+212A KELVIN SIGN into `k`, so a user whose address starts with
 * the Kelvin sign would be found when kate@example.com is asked for, and deleted in her place).
 *
 * @example
 * emailKey(' Kate@Example.com') === emailKey('kate@example.com') // true
 * emailKey('\u212Aate@example.com') === emailKey('kate@example.com') // false
 */
export function emailKey(email: string): string {
  return toAsciiLowerCase(email.trim());
}
