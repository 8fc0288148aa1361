/** Something that looks like an email address inside free text. */
const EMAIL_IN_TEXT = /([A-Za-z0-9._%+-])[A-Za-z0-9._%+-]*@([A-Za-z0-9.-]+\.[A-Za-z]{2,})/g;

/**
 * Redacts one email for display: the first character and the domain stay, so on-call can still tell people and
 * tenants apart (`a***@example.com`). A hashed group id (`sha256:<hex>`) is shortened, not redacted: it is no email.
 *
 * @example
 * redactEmail('alice@example.com') // 'a***@example.com'
 */
export function redactEmail(value: string): string {
  if (value.startsWith('sha256:')) return `${value.slice(0, 19)}…`;
  const at = value.lastIndexOf('@');
  if (at <= 0) return '***';
  return `${value[0]}***${value.slice(at)}`;
}

/**
 * Redacts every email-looking string inside free text (a raw body, an error message written by someone else).
 *
 * @example
 * redactText('user bob@example.com exists') // 'user b***@example.com exists'
 */
export function redactText(text: string): string {
  return text.replace(EMAIL_IN_TEXT, (_m, first: string, domain: string) => `${first}***@${domain}`);
}
