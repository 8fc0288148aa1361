import { DEFAULT_OKTA_AUTH_HEADER } from './verify';

/**
 * The header Okta authenticates an Event Hook request with. Okta signs nothing: the admin configures one header name
 * and a secret value, and Okta sends that header verbatim on every request, the one-time verification GET included,
 * so no body is involved.
 *
 * @example
 * signOktaDelivery('Basic dXNlcjpwYXNz') // { authorization: 'Basic dXNlcjpwYXNz' }
 */
export function signOktaDelivery(
  secret: string,
  options: { readonly headerName?: string } = {},
): Record<string, string> {
  return { [(options.headerName ?? DEFAULT_OKTA_AUTH_HEADER).toLowerCase()]: secret };
}
