import { MAX_JSON_DEPTH, parseUntrustedJson } from '@idp-sync/common';
import { PayloadError, ProblemError } from '../errors';
import type { HttpRequest } from '../types';

/** Largest body accepted: 1 MiB. Larger ones are answered 413 before any verification work. */
export const MAX_BODY_BYTES = 1024 * 1024;

/** Throws 413 when the body is over {@link MAX_BODY_BYTES}. */
export function assertBodySize(request: HttpRequest): void {
  if (request.rawBody.length > MAX_BODY_BYTES) {
    throw new ProblemError({
      status: 413,
      slug: 'payload-too-large',
      title: 'Content Too Large',
      detail: `the body is ${request.rawBody.length} bytes; at most ${MAX_BODY_BYTES} are accepted`,
    });
  }
}

/**
 * Throws 415 unless the body is declared JSON (`application/json` or `application/<x>+json`, UTF-8 if a charset is
 * given). BambooHR's "Form Post" encoding, for example, is refused with a detail that says to choose JSON.
 *
 * @example
 * assertJsonContentType(request);
 */
export function assertJsonContentType(request: HttpRequest): void {
  const header = request.headers['content-type'] ?? '';
  const [mediaType = '', ...params] = header.split(';').map((part) => part.trim().toLowerCase());
  const json = mediaType === 'application/json' || /^application\/[a-z0-9.+-]+\+json$/.test(mediaType);
  const charset = params
    .find((param) => param.startsWith('charset='))
    ?.slice('charset='.length)
    .replace(/"/g, '');
  if (json && (charset === undefined || charset === 'utf-8' || charset === 'utf8')) return;
  throw new ProblemError({
    status: 415,
    slug: 'unsupported-media-type',
    title: 'Unsupported Media Type',
    detail: json
      ? `the body must be UTF-8 JSON, not charset ${charset?.slice(0, 40)}`
      : `the body must be application/json (got ${mediaType ? mediaType.slice(0, 80) : 'no Content-Type'}); configure the sender to post JSON`,
  });
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Decodes the raw body as UTF-8 JSON. Throws a 400 `PayloadError` for an empty body, bytes that are not UTF-8, JSON
 * nested deeper than {@link MAX_JSON_DEPTH} levels (counted over the raw text, before anything parses or walks it: a
 * body nested 100,000 deep made a recursive walk throw and the route answer 500), or text that is not JSON (without
 * echoing the body back). Objects of the result have no prototype, so an adapter never finds a field the body does
 * not hold, and a `__proto__` key is plain data.
 *
 * @example
 * const payload = parseJsonBody(request);
 */
export function parseJsonBody(request: HttpRequest): unknown {
  if (request.rawBody.length === 0)
    throw new PayloadError('the body is empty', [{ path: '(body)', message: 'required' }]);
  let text: string;
  try {
    text = utf8.decode(request.rawBody);
  } catch {
    throw new PayloadError('the body is not valid UTF-8', [{ path: '(body)', message: 'must be UTF-8 text' }]);
  }
  const parsed = parseUntrustedJson(text, MAX_JSON_DEPTH);
  if (parsed.ok) return parsed.value;
  if (parsed.reason === 'too-deep') {
    throw new PayloadError(`the body is ${parsed.detail}; real deliveries are a few levels deep`, [
      { path: '(body)', message: `must be nested at most ${MAX_JSON_DEPTH} levels deep` },
    ]);
  }
  throw new PayloadError('the body is not valid JSON', [{ path: '(body)', message: 'must be a JSON document' }]);
}
