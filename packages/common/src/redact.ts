/**
 * An address inside free text. The parts stop at whitespace, quotes, brackets and separators so JSON, `<a@b.c>` and
 * `key=value` lists redact cleanly. The repeats are bounded (RFC 5321: local part ≤ 64, domain ≤ 253, label ≤ 63) so a
 * long `@`-bearing body costs linear time, not quadratic backtracking.
 */
const EMAIL_IN_TEXT = /([^\s@"'<>(),;:]{1,64})@([^\s@"'<>(),;:]{1,253}\.[^\s@"'<>(),;:]{1,63})/g;

/**
 * An email address reduced to its first character and domain, safe to log (`a***@example.com`). Anything that is not
 * an address (no `@`, nothing before or after it) becomes `***`, so nothing of it leaks.
 *
 * @example
 * redactEmail('alice@example.com') // 'a***@example.com'
 * redactEmail('not-an-email') // '***'
 */
export function redactEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at < 1 || at === email.length - 1) return '***';
  return `${email[0]}***${email.slice(at)}`;
}

/**
 * Every email address inside a free text redacted like {@link redactEmail}. Server problem details, error messages and
 * raw bodies may quote the address a request was about, and they end up in logs and on screens.
 *
 * @example
 * redactEmailsIn('user bob@example.com exists') // 'user b***@example.com exists'
 */
export function redactEmailsIn(text: string): string {
  return text.includes('@')
    ? text.replace(EMAIL_IN_TEXT, (_m, local: string, domain: string) => `${local[0]}***@${domain}`)
    : text;
}
