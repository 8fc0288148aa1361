/**
 * The key two emails are compared by: trimmed, ASCII letters lower-cased and nothing else. `toLowerCase` follows
 * Unicode case mapping and turns some other characters into ASCII letters (U+212A KELVIN SIGN → `k`): compared that
 * way, a user whose address starts with the Kelvin sign is found when kate@example.com is asked for, and deleted in
 * her place.
 *
 * @example
 * emailKey(' Kate@Example.com') === emailKey('kate@example.com') // true
 * emailKey('\u212Aate@example.com') === emailKey('kate@example.com') // false
 */
export function emailKey(email: string): string {
  return email.trim().replace(/[A-Z]+/g, (letters) => letters.toLowerCase());
}
