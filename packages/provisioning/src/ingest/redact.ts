/**
 * An email fit for a log line: the first character of the local part, then `***`, then the domain.
 * Anything that is not an address becomes `***`.
 *
 * @example
 * redactEmail('alice@example.com') // 'a***@example.com'
 */
export function redactEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at < 1 || at === email.length - 1) return '***';
  return `${email[0]}***${email.slice(at)}`;
}
