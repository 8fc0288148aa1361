import { redactEmail as redactAddress } from '@idp-sync/common';

/**
 * {@link redactAddress} for the SCIM log lines, whose fields may be absent (a user without an email): `undefined`
 * stays `undefined` so the structured entry simply omits it.
 *
 * @example
 * redactEmail('alice@example.com') // 'a***@example.com'
 * redactEmail(undefined) // undefined
 */
export function redactEmail(value: string | undefined): string | undefined {
  return value === undefined ? undefined : redactAddress(value);
}
