import type { IngestRequest, IngestResponse } from '../http';
import { SCIM_CONTENT_TYPE, SCIM_MAX_BODY_BYTES, SCIM_URN } from './constants';
import { ScimBadRequestError, type ScimError, ScimPayloadTooLargeError, ScimUnsupportedMediaTypeError } from './errors';
import type { JsonObject, JsonValue } from './types';

/**
 * A SCIM answer: JSON in `application/scim+json`, or no body for 204.
 *
 * @example
 * scimResponse(201, user, { location: user.meta.location });
 */
export function scimResponse(
  statusCode: number,
  body: JsonValue | undefined,
  headers: Readonly<Record<string, string>> = {},
): IngestResponse {
  if (body === undefined) return { statusCode, headers: { ...headers }, body: '' };
  return {
    statusCode,
    headers: { 'content-type': SCIM_CONTENT_TYPE, 'cache-control': 'no-store', ...headers },
    body: JSON.stringify(body),
  };
}

/**
 * An error in the SCIM error schema (RFC 7644 §3.12): `status` as a string, `scimType` when one applies, `detail`.
 *
 * @example
 * scimErrorResponse(new ScimNotFoundError('User 42 not found'));
 */
export function scimErrorResponse(error: ScimError): IngestResponse {
  const body: JsonObject = { schemas: [SCIM_URN.error], status: String(error.status) };
  if (error.scimType) body.scimType = error.scimType;
  body.detail = error.detail;
  return scimResponse(error.status, body, error.headers);
}

/** A ListResponse (RFC 7644 §3.4.2): `itemsPerPage` is the number of resources in this page. */
export function listResponse(resources: JsonObject[], totalResults: number, startIndex: number): JsonObject {
  return {
    schemas: [SCIM_URN.listResponse],
    totalResults,
    startIndex,
    itemsPerPage: resources.length,
    Resources: resources,
  };
}

/**
 * Query parameters with names lower-cased (SCIM parameter names are case-insensitive) and `+` read as a space, as
 * Microsoft's own clients encode them. The first occurrence of a name wins.
 */
export function parseQuery(rawQueryString: string): Map<string, string> {
  const params = new Map<string, string>();
  for (const [name, value] of new URLSearchParams(rawQueryString)) {
    const key = name.toLowerCase();
    if (!params.has(key)) params.set(key, value);
  }
  return params;
}

const JSON_MEDIA_TYPE = /^application\/([a-z0-9.+-]+\+)?json$/;

/**
 * Reads a JSON request body: at most 1 MiB (413 beyond), `application/scim+json` or `application/json` (a missing
 * Content-Type is tolerated; anything else is 415), valid JSON (400 `invalidSyntax` otherwise).
 *
 * @example
 * const body = readJsonBody(request);
 */
export function readJsonBody(request: IngestRequest): JsonValue {
  if (request.rawBody.length > SCIM_MAX_BODY_BYTES) {
    throw new ScimPayloadTooLargeError(`the request body is larger than ${SCIM_MAX_BODY_BYTES} bytes`);
  }
  const contentType = request.headers['content-type'];
  if (contentType !== undefined && contentType.trim() !== '') {
    const mediaType = contentType.split(';')[0]!.trim().toLowerCase();
    if (!JSON_MEDIA_TYPE.test(mediaType)) throw new ScimUnsupportedMediaTypeError(mediaType);
  }
  const text = request.rawBody.toString('utf8').replace(/^\uFEFF/, '');
  if (text.trim() === '') throw new ScimBadRequestError('invalidSyntax', 'a JSON request body is required');
  try {
    return JSON.parse(text) as JsonValue;
  } catch (error) {
    throw new ScimBadRequestError('invalidSyntax', invalidJsonDetail(error));
  }
}

/**
 * What is wrong with an unparsable body, without quoting it: V8's SyntaxError message repeats part of the body (Node
 * 22: `Unexpected token 'x', "…" is not valid JSON`), which may hold personal data or a token, and the detail goes
 * back to the client and into logs. Only the offset (a number, counted from 0) is kept when the message has one.
 */
function invalidJsonDetail(error: unknown): string {
  const position = error instanceof SyntaxError ? /\bat position (\d+)\b/.exec(error.message)?.[1] : undefined;
  const where = position === undefined ? '' : ` (at offset ${position})`;
  return `the request body is not valid JSON${where}: send one JSON object, with double-quoted names and strings and no trailing commas`;
}
