import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { HttpRequest, HttpResponse } from '../types';

/**
 * An API Gateway HTTP API (payload v2) event as the framework-free request the router takes: header names
 * lower-cased, a base64 body decoded to its raw bytes (signatures are checked over them), cookies folded back into
 * the `cookie` header as API Gateway moves them out.
 *
 * @example
 * const request = toHttpRequest(event);
 */
export function toHttpRequest(event: APIGatewayProxyEventV2): HttpRequest {
  // Header names are the sender's: a null-prototype object keeps `__proto__` or `constructor` as plain names, and a
  // header a request lacks is never found on Object.prototype.
  const headers: Record<string, string> = Object.create(null);
  for (const [name, value] of Object.entries(event.headers ?? {})) {
    if (value !== undefined) headers[name.toLowerCase()] = value;
  }
  if (event.cookies && event.cookies.length > 0 && headers.cookie === undefined)
    headers.cookie = event.cookies.join('; ');
  const body = event.body ?? '';
  return {
    method: (event.requestContext?.http?.method ?? 'GET').toUpperCase(),
    path: event.rawPath ?? event.requestContext?.http?.path ?? '/',
    rawQueryString: event.rawQueryString ?? '',
    headers,
    rawBody: event.isBase64Encoded ? Buffer.from(body, 'base64') : Buffer.from(body, 'utf8'),
    requestId: event.requestContext?.requestId ?? 'unknown',
    receivedAtMs: event.requestContext?.timeEpoch ?? Date.now(),
  };
}

/**
 * The router's answer as an API Gateway v2 result.
 *
 * @example
 * return toApiGatewayResult(await app.handle(request));
 */
export function toApiGatewayResult(response: HttpResponse): APIGatewayProxyStructuredResultV2 {
  return {
    statusCode: response.statusCode,
    headers: { ...response.headers },
    body: response.body,
    isBase64Encoded: false,
  };
}
