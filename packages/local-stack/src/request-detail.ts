import { redactEmailsIn } from '@idp-sync/common';
import type { APIGatewayProxyResultV2 } from 'aws-lambda';

/** The longest reason a request line carries; the full problem is in the answer itself. */
export const REQUEST_DETAIL_MAX_CHARS = 160;

/**
 * Why the API refused a request, for the one line `npm start` prints per request: the `detail` of a 4xx
 * `application/problem+json` answer — what the ingest function answers for a bad signature, a stale timestamp, a
 * malformed payload. Those details name headers, fields and limits, never a secret or a body; email addresses are
 * redacted all the same (`a***@example.com`), and the text is kept to one short line. SCIM's answers are not read:
 * their details may quote a filter or a userName.
 *
 * @example
 * rejectionDetail({ statusCode: 401, headers: { 'content-type': 'application/problem+json' }, body: '{"detail":"…"}' })
 */
export function rejectionDetail(result: APIGatewayProxyResultV2): string | undefined {
  if (typeof result !== 'object' || result === null || !('statusCode' in result)) return undefined;
  const status = result.statusCode ?? 200;
  if (status < 400 || status > 499 || typeof result.body !== 'string') return undefined;
  const contentType = Object.entries(result.headers ?? {}).find(([name]) => name.toLowerCase() === 'content-type')?.[1];
  if (!String(contentType ?? '').startsWith('application/problem+json')) return undefined;
  let detail: unknown;
  try {
    const text = result.isBase64Encoded ? Buffer.from(result.body, 'base64').toString('utf8') : result.body;
    detail = (JSON.parse(text) as { detail?: unknown })?.detail;
  } catch {
    return undefined;
  }
  if (typeof detail !== 'string') return undefined;
  // One line: no control characters (a terminal escape in a reflected header must not reach the console).
  const line = redactEmailsIn(detail)
    .replace(/\p{Cc}+/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  if (line === '') return undefined;
  return line.length > REQUEST_DETAIL_MAX_CHARS ? `${line.slice(0, REQUEST_DETAIL_MAX_CHARS - 1)}…` : line;
}
