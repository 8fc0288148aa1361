/**
 * An address inside free text. The parts stop at whitespace, quotes, brackets and separators so JSON, `<a@b.c>` and
 * `key=value` lists redact cleanly. The repeats are bounded (RFC 5321: local part ≤ 64, domain ≤ 253, label ≤ 63) so a
 * long `@`-bearing body costs linear time, not quadratic backtracking.
 */
const EMAIL_IN_TEXT = /([^\s@"'<>(),;:]{1,64})@([^\s@"'<>(),;:]{1,253}\.[^\s@"'<>(),;:]{1,63})/g;

/**
 * An email address reduced to its first character and domain, safe to log (`a***@example.com`). Anything that is not
 * an address (no `@`, nothing before or after it) becomes `***`, so nothing of it leaks. `undefined` stays
 * `undefined`, so a log field about an absent address (a SCIM user without an email) is simply left out.
 *
 * @example
 * redactEmail('alice@example.com') // 'a***@example.com'
 * redactEmail('not-an-email') // '***'
 * redactEmail(undefined) // undefined
 */
export function redactEmail(email: string): string;
export function redactEmail(email: string | undefined): string | undefined;
export function redactEmail(email: string | undefined): string | undefined {
  if (email === undefined) return undefined;
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

/**
 * A value that names a person either by address or by its SHA-256 digest (`sha256:<hex>`, the queue's message group
 * id): an address is redacted like {@link redactEmail}; a digest is no address, so it is shortened rather than
 * hidden, and on-call can still match one person's messages across a dead-letter queue.
 *
 * @example
 * redactEmailOrDigest('alice@example.com') // 'a***@example.com'
 * redactEmailOrDigest('sha256:0123456789abcdef0123456789') // 'sha256:0123456789ab…'
 */
export function redactEmailOrDigest(value: string): string {
  // `sha256:` and the first 12 hex digits: enough to match one person's messages by eye, far too little to invert.
  return value.startsWith('sha256:') ? `${value.slice(0, 'sha256:'.length + 12)}…` : redactEmail(value);
}
