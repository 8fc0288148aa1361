import { createHmac, randomUUID } from 'node:crypto';
import { currentSecret } from './secrets';

/**
 * How each vendor proves a delivery, done the way the vendor does it — for the demo, the banner's examples and tests.
 * Each function takes the exact bytes that will be sent: signatures are over the raw body.
 */

/** An HTTP request ready to send. */
export interface SignedRequest {
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
}

/**
 * Okta Event Hooks: no signature, the configured header carries the shared secret verbatim.
 *
 * @example
 * oktaHeaders('okta_…', 'authorization') // { authorization: 'okta_…', 'content-type': 'application/json' }
 */
export function oktaHeaders(secret: string, headerName = 'authorization'): Record<string, string> {
  return { 'content-type': 'application/json', [headerName.toLowerCase()]: currentSecret(secret) };
}

/**
 * The Standard Webhooks signature `v1,<base64 HMAC-SHA256(key, "<id>.<timestamp>.<body>")>`, the key being the base64
 * after `whsec_`.
 *
 * @example
 * standardWebhookSignature('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', 'msg_p5jXN8AQM9LWM0D4loKWxJek', 1614265330, '{"test": 2432232314}')
 * // 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE='
 */
export function standardWebhookSignature(secret: string, id: string, timestampSec: number, body: string): string {
  const key = Buffer.from(currentSecret(secret).replace(/^whsec_/, ''), 'base64');
  return `v1,${createHmac('sha256', key).update(`${id}.${timestampSec}.`).update(body).digest('base64')}`;
}

/**
 * Standard Webhooks headers (HR): `webhook-id` (the idempotency key: keep it for a redelivery), `webhook-timestamp`,
 * `webhook-signature`.
 *
 * @example
 * const headers = hrHeaders(secret, body, { id: 'msg_1' });
 */
export function hrHeaders(
  secret: string,
  body: string,
  options: { id?: string; timestampSec?: number } = {},
): Record<string, string> {
  const id = options.id ?? `msg_${randomUUID().replace(/-/g, '')}`;
  const timestampSec = options.timestampSec ?? Math.floor(Date.now() / 1000);
  return {
    'content-type': 'application/json',
    'webhook-id': id,
    'webhook-timestamp': String(timestampSec),
    'webhook-signature': standardWebhookSignature(secret, id, timestampSec, body),
  };
}

/**
 * WorkOS: `WorkOS-Signature: t=<unix ms>, v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`.
 *
 * @example
 * workosHeaders(secret, body)['workos-signature'] // 't=1764151200000, v1=…'
 */
export function workosHeaders(secret: string, body: string, timestampMs = Date.now()): Record<string, string> {
  const mac = createHmac('sha256', currentSecret(secret)).update(`${timestampMs}.`).update(body).digest('hex');
  return { 'content-type': 'application/json', 'workos-signature': `t=${timestampMs}, v1=${mac}` };
}

/**
 * BambooHR: `X-BambooHR-Signature` = hex HMAC-SHA256(private key, body + timestamp), `X-BambooHR-Timestamp` in unix
 * seconds.
 *
 * @example
 * bambooHeaders(key, body)['x-bamboohr-signature']
 */
export function bambooHeaders(
  key: string,
  body: string,
  timestamp = String(Math.floor(Date.now() / 1000)),
): Record<string, string> {
  const mac = createHmac('sha256', currentSecret(key)).update(body).update(timestamp).digest('hex');
  return { 'content-type': 'application/json', 'x-bamboohr-timestamp': timestamp, 'x-bamboohr-signature': mac };
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
