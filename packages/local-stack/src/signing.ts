import {
  type HrDeliveryOptions,
  signBambooDelivery,
  signHrDelivery,
  signOktaDelivery,
  signWorkosDelivery,
} from '@idp-sync/webhooks/sign';
import { currentSecret } from './secrets';

/**
 * Signed requests for the demo and tests: the vendors' signers of `@idp-sync/webhooks/sign` (signatures over the exact
 * bytes that will be sent), with the current value of a rotated secret and the JSON content type.
 */

/** An HTTP request ready to send. */
export interface SignedRequest {
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
}

/** Every webhook example sends JSON. */
const JSON_CONTENT = { 'content-type': 'application/json' } as const;

/**
 * Okta Event Hooks: no signature, the configured header carries the (current) shared secret verbatim.
 *
 * @example
 * oktaHeaders('okta_…', 'authorization') // { 'content-type': 'application/json', authorization: 'okta_…' }
 */
export function oktaHeaders(secret: string, headerName = 'authorization'): Record<string, string> {
  return { ...JSON_CONTENT, ...signOktaDelivery(currentSecret(secret), { headerName }) };
}

/**
 * Standard Webhooks headers (HR), signed with the current secret: `webhook-id` (the idempotency key: keep it for a
 * redelivery), `webhook-timestamp`, `webhook-signature`.
 *
 * @example
 * const headers = hrHeaders(secret, body, { id: 'msg_1' });
 */
export function hrHeaders(secret: string, body: string, options: HrDeliveryOptions = {}): Record<string, string> {
  return { ...JSON_CONTENT, ...signHrDelivery(currentSecret(secret), body, options) };
}

/**
 * WorkOS, signed with the current secret: `WorkOS-Signature: t=<unix ms>, v1=<hex>`.
 *
 * @example
 * workosHeaders(secret, body)['workos-signature'] // 't=1764151200000, v1=…'
 */
export function workosHeaders(secret: string, body: string, timestampMs = Date.now()): Record<string, string> {
  return { ...JSON_CONTENT, ...signWorkosDelivery(currentSecret(secret), body, { timestampMs }) };
}

/**
 * BambooHR, signed with the current key: `X-BambooHR-Signature` and `X-BambooHR-Timestamp` (unix seconds unless given).
 *
 * @example
 * bambooHeaders(key, body)['x-bamboohr-signature']
 */
export function bambooHeaders(key: string, body: string, timestamp?: string): Record<string, string> {
  const options = timestamp === undefined ? {} : { timestamp };
  return { ...JSON_CONTENT, ...signBambooDelivery(currentSecret(key), body, options) };
}

/**
 * Entra SCIM: `Authorization: Bearer <secret token>`, SCIM media type.
 *
 * @example
 * scimHeaders(token) // { authorization: 'Bearer …', 'content-type': 'application/scim+json' }
 */
export function scimHeaders(token: string): Record<string, string> {
  return {
    authorization: `Bearer ${currentSecret(token)}`,
    'content-type': 'application/scim+json',
    accept: 'application/scim+json',
  };
}

/** The answer to a sent request. */
export interface SentResponse {
  readonly status: number;
  readonly body: string;
}

/**
 * Sends a request (loopback only in practice) and reads the whole answer.
 *
 * @example
 * const { status } = await send({ method: 'POST', url, headers, body });
 */
export async function send(request: SignedRequest, timeoutMs = 10_000): Promise<SentResponse> {
  const response = await fetch(request.url, {
    method: request.method,
    headers: request.headers,
    ...(request.body === undefined ? {} : { body: request.body }),
    signal: AbortSignal.timeout(timeoutMs),
  });
  return { status: response.status, body: await response.text() };
}
