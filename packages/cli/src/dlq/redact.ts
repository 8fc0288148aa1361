import { redactEmail as redactAddress } from '@idp-sync/common';

/**
 * {@link redactAddress} for the DLQ screens, which also show group ids: a hashed group id (`sha256:<hex>`) is no email,
 * so it is shortened rather than hidden, and on-call can still match it across messages.
 *
 * @example
 * redactEmail('alice@example.com') // 'a***@example.com'
 * redactEmail('sha256:0123456789abcdef0123456789') // 'sha256:0123456789ab…'
 */
export function redactEmail(value: string): string {
  return value.startsWith('sha256:') ? `${value.slice(0, 19)}…` : redactAddress(value);
}
