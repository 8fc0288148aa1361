const EMAIL_PATTERN = /([^\s@"'<>(),;:]+)@([^\s@"'<>(),;:]+\.[^\s@"'<>(),;:]+)/g;

/**
 * An email address reduced to its first character and domain, safe to log.
 *
 * @example
 * redactEmail('alice@example.com') // 'a***@example.com'
 */
export function redactEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at < 0) return email.length > 0 ? `${email[0]}***` : '';
  return `${email.slice(0, 1)}***${email.slice(at)}`;
}

/**
 * Every email address inside a free text redacted. Server problem details may quote the address a request was about,
 * and error messages end up in logs.
 *
 * @example
 * redactEmailsIn('user bob@example.com exists') // 'user b***@example.com exists'
 */
export function redactEmailsIn(text: string): string {
  return text.includes('@')
    ? text.replace(EMAIL_PATTERN, (_m, local: string, domain: string) => `${local.slice(0, 1)}***@${domain}`)
    : text;
}
