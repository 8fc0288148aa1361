/**
 * An email address safe to log: the first character of the local part and the domain (`a***@example.com`).
 * Anything that is not an address is reduced to its length.
 *
 * @example
 * redactEmail('alice@example.com') // 'a***@example.com'
 */
export function redactEmail(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const at = value.lastIndexOf('@');
  if (at <= 0) return `<${value.length} chars>`;
  return `${value[0]}***${value.slice(at)}`;
}
