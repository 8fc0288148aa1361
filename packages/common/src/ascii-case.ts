/**
 * Lower-cases the ASCII letters A–Z and nothing else. `String.prototype.toLowerCase` follows Unicode case mapping,
 * which turns some characters that are not ASCII into ASCII letters (U+212A KELVIN SIGN → `k`, and `toUpperCase` maps
 * U+017F LONG S to `S`): folded that way, `\u212Aate@example.com` becomes kate@example.com, another person. Identities
 * (emails, SCIM userName matches) fold with this instead.
 *
 * @example
 * toAsciiLowerCase('Kate@Example.COM') // 'kate@example.com'
 * toAsciiLowerCase('\u212Aate') // '\u212Aate' (unchanged: the Kelvin sign is not an ASCII letter)
 */
export function toAsciiLowerCase(value: string): string {
  return value.replace(/[A-Z]+/g, (letters) => letters.toLowerCase());
}
