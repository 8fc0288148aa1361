import { MAX_JSON_DEPTH, parseUntrustedJson } from '@idp-sync/common';
import type { HttpRequest, HttpResponse } from '@idp-sync/http';
import {
  ScimBadRequestError,
  type ScimError,
  ScimPayloadTooLargeError,
  ScimUnsupportedMediaTypeError,
} from '../errors';
import { SCIM_CONTENT_TYPE, SCIM_URN } from '../protocol/constants';
import type { JsonObject, JsonValue } from '../protocol/json';
import { findReservedKey } from '../protocol/json';
import { SCIM_MAX_BODY_BYTES } from './constants';

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
): HttpResponse {
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
export function scimErrorResponse(error: ScimError): HttpResponse {
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
 * Content-Type is tolerated; anything else is 415), nested at most 64 levels (checked over the raw text before it is
 * parsed or walked), valid JSON, and without a `__proto__`, `constructor` or `prototype` key anywhere (each a 400
 * `invalidSyntax` that says what is wrong). Objects of the result have no prototype.
 *
 * Why refuse those keys rather than drop or keep them: no SCIM attribute can be named so (RFC 7643 names start with a
 * letter, and no schema uses the other two), Entra never sends them, and unknown attributes are stored and served back
 * as sent, so a refusal at the door keeps every stored resource free of them for every later reader; dropping them
 * silently would store something other than what the client sent, and tell it nothing.
 *
 * @example
 * const body = readJsonBody(request);
 */
export function readJsonBody(request: HttpRequest): JsonValue {
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
  const parsed = parseUntrustedJson(text, MAX_JSON_DEPTH);
  if (!parsed.ok) {
    throw new ScimBadRequestError(
      'invalidSyntax',
      parsed.reason === 'too-deep'
        ? `the request body is ${parsed.detail}: send at most ${MAX_JSON_DEPTH} levels of objects and arrays`
        : invalidJsonDetail(parsed.error),
    );
  }
  const body = parsed.value as JsonValue;
  const reserved = findReservedKey(body);
  if (reserved !== undefined) {
    throw new ScimBadRequestError(
      'invalidSyntax',
      `the key at ${reserved} is not accepted: __proto__, constructor and prototype are reserved and name no SCIM attribute`,
    );
  }
  return body;
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
