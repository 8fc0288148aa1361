import type { ServerResponse } from 'node:http';
import type { ProblemDocument } from './types';

const TYPE_BASE = 'https://arize.com/docs/ax/rest-reference/errors#';

/** Title and type per status: the ones the vendor's OpenAPI publishes, and emulator choices for the others. */
const CATALOGUE: Record<number, { title: string; slug: string }> = {
  400: { title: 'Invalid request parameters', slug: 'invalid-request' },
  401: { title: 'Authentication required', slug: 'authentication-required' },
  403: { title: 'Access forbidden', slug: 'access-forbidden' },
  404: { title: 'Resource not found', slug: 'resource-not-found' },
  405: { title: 'Method not allowed', slug: 'method-not-allowed' },
  409: { title: 'Resource conflict', slug: 'resource-conflict' },
  413: { title: 'Payload too large', slug: 'payload-too-large' },
  415: { title: 'Unsupported media type', slug: 'unsupported-media-type' },
  422: { title: 'Unprocessable Entity', slug: 'unprocessable-entity' },
  429: { title: 'Rate limit exceeded', slug: 'rate-limit-exceeded' },
  500: { title: 'Internal Server Error', slug: 'internal-server-error' },
  503: { title: 'Service Unavailable', slug: 'service-unavailable' },
  504: { title: 'Gateway Timeout', slug: 'gateway-timeout' },
};

/**
 * Builds the RFC 9457 document the API sends for a status.
 *
 * @example
 * problemDocument(404, "user 'VXNlcjo5' not found", '/v2/users/VXNlcjo5');
 */
export function problemDocument(status: number, detail: string | undefined, instance: string): ProblemDocument {
  const entry = CATALOGUE[status] ?? { title: 'Error', slug: 'error' };
  const doc: ProblemDocument = { type: `${TYPE_BASE}${entry.slug}`, title: entry.title, status };
  if (detail !== undefined) doc.detail = detail;
  doc.instance = instance;
  return doc;
}

/**
 * Writes a problem document with `Content-Type: application/problem+json`.
 *
 * @example
 * sendProblem(res, 429, 'slow down', '/v2/users', { 'Retry-After': '1' });
 */
export function sendProblem(
  res: ServerResponse,
  status: number,
  detail: string | undefined,
  instance: string,
  headers: Readonly<Record<string, string>> = {},
): void {
  sendBody(res, status, 'application/problem+json', problemDocument(status, detail, instance), headers);
}

/**
 * Writes a JSON body (`undefined` body → no content, as for 204).
 *
 * @example
 * sendJson(res, 200, { users: [], pagination: { has_more: false } });
 */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Readonly<Record<string, string>> = {},
): void {
  if (body === undefined) {
    if (res.headersSent || res.destroyed) return;
    res.writeHead(status, headers);
    res.end();
    return;
  }
  sendBody(res, status, 'application/json', body, headers);
}

function sendBody(
  res: ServerResponse,
  status: number,
  contentType: string,
  body: unknown,
  headers: Readonly<Record<string, string>>,
): void {
  // A client that gave up (or a hang that was released) leaves nothing to write to.
  if (res.headersSent || res.destroyed) return;
  const payload = Buffer.from(JSON.stringify(body));
  res.writeHead(status, { ...headers, 'Content-Type': contentType, 'Content-Length': String(payload.length) });
  res.end(payload);
}
