import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2, Context } from 'aws-lambda';
import { DEFAULT_HOST } from './defaults';
import { lambdaContext } from './lambda-context';

/** A Lambda handler for API Gateway HTTP API (payload v2) events, as `functions/ingest` exports it. */
export type HttpApiHandler = (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyResultV2>;

export interface HttpIngestServerOptions {
  readonly handler: HttpApiHandler;
  /** Only loopback is sensible; defaults to 127.0.0.1. */
  readonly host?: string;
  /** 0 (the default) picks a free port. */
  readonly port?: number;
  /** Requests above this are answered 413 without invoking the handler, as API Gateway does (10 MiB). */
  readonly maxBodyBytes?: number;
  /** The Lambda timeout the context reports (`getRemainingTimeInMillis`). */
  readonly timeoutMs?: number;
  readonly functionName?: string;
  /**
   * How long `stop()` lets requests in flight finish before it cuts their connections (default 10 s). Idle keep-alive
   * connections are closed at once.
   */
  readonly stopGraceMs?: number;
}

export interface HttpIngestServer {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly port: number;
  /** Requests being answered right now. */
  readonly inFlight: number;
  /** Stops taking requests, lets those in flight finish (up to `stopGraceMs`), then closes every connection. */
  stop(): Promise<void>;
}

const API_GATEWAY_MAX_BODY = 10 * 1024 * 1024;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** API Gateway's `requestContext.time`: `26/Nov/2026:10:00:00 +0000`. */
function apiGatewayTime(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000`;
}

/**
 * The request as API Gateway HTTP API would deliver it (payload format 2.0): header names lower-cased and repeated
 * headers joined with commas, cookies moved to `cookies`, the raw query string kept, the body always base64 with
 * `isBase64Encoded: true` so the handler sees the exact bytes that were sent.
 */
export function toApiGatewayEvent(
  request: IncomingMessage,
  body: Buffer,
  receivedAtMs: number,
): APIGatewayProxyEventV2 {
  const url = request.url ?? '/';
  const q = url.indexOf('?');
  const rawPath = q < 0 ? url : url.slice(0, q);
  const rawQueryString = q < 0 ? '' : url.slice(q + 1);
  // Names and query keys are the client's: null-prototype objects keep `__proto__` and `constructor` as plain keys.
  const headers: Record<string, string> = Object.create(null);
  let cookies: string[] | undefined;
  for (let i = 0; i < request.rawHeaders.length; i += 2) {
    const name = request.rawHeaders[i]!.toLowerCase();
    const value = request.rawHeaders[i + 1]!;
    if (name === 'cookie') {
      cookies = [
        ...(cookies ?? []),
        ...value
          .split(';')
          .map((c) => c.trim())
          .filter(Boolean),
      ];
      continue;
    }
    headers[name] = headers[name] === undefined ? value : `${headers[name]},${value}`;
  }
  const queryStringParameters: Record<string, string> = Object.create(null);
  for (const [key, value] of new URLSearchParams(rawQueryString)) {
    queryStringParameters[key] =
      queryStringParameters[key] === undefined ? value : `${queryStringParameters[key]},${value}`;
  }
  const method = (request.method ?? 'GET').toUpperCase();
  let path = rawPath;
  try {
    path = decodeURIComponent(rawPath);
  } catch {
    // API Gateway passes undecodable paths through as they are.
  }
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath,
    rawQueryString,
    headers,
    ...(cookies ? { cookies } : {}),
    ...(rawQueryString ? { queryStringParameters } : {}),
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: headers.host ?? 'localhost',
      domainPrefix: (headers.host ?? 'localhost').split('.')[0] ?? 'localhost',
      http: {
        method,
        path,
        protocol: `HTTP/${request.httpVersion}`,
        sourceIp: request.socket.remoteAddress ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey: '$default',
      stage: '$default',
      time: apiGatewayTime(receivedAtMs),
      timeEpoch: receivedAtMs,
    },
    body: body.toString('base64'),
    isBase64Encoded: true,
  };
}

/** Writes a Lambda result the way API Gateway HTTP API turns it into a response. */
function writeResult(response: ServerResponse, result: APIGatewayProxyResultV2): void {
  // A bare string or an object without statusCode is a 200 JSON answer (API Gateway's payload v2 inference).
  if (typeof result === 'string' || result === null || typeof result !== 'object' || !('statusCode' in result)) {
    const body = typeof result === 'string' ? result : JSON.stringify(result);
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(body);
    return;
  }
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(result.headers ?? {})) headers[name.toLowerCase()] = String(value);
  if (result.cookies && result.cookies.length > 0) headers['set-cookie'] = result.cookies;
  const body =
    result.body === undefined ? Buffer.alloc(0) : Buffer.from(result.body, result.isBase64Encoded ? 'base64' : 'utf8');
  response.writeHead(result.statusCode ?? 200, headers);
  response.end(body);
}

function readBody(request: IncomingMessage, limit: number): Promise<Buffer | 'too-large'> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) tooLarge = true;
      else chunks.push(chunk);
    });
    request.on('end', () => resolve(tooLarge ? 'too-large' : Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

/**
 * Serves a Lambda handler over HTTP on 127.0.0.1, converting each request into an API Gateway HTTP API v2 event and
 * each result back into a response — the local stand-in for API Gateway in front of `functions/ingest`.
 *
 * @example
 * const { handler } = await import('@idp-sync/ingest-function/handler');
 * const server = await startHttpIngestServer({ handler });
 * await fetch(`${server.url}/health`);
 * await server.stop();
 */
export async function startHttpIngestServer(options: HttpIngestServerOptions): Promise<HttpIngestServer> {
  const host = options.host ?? DEFAULT_HOST;
  const maxBodyBytes = options.maxBodyBytes ?? API_GATEWAY_MAX_BODY;
  const functionName = options.functionName ?? 'idp-sync-ingest-local';
  const timeoutMs = options.timeoutMs ?? 30_000;

  const stopGraceMs = options.stopGraceMs ?? 10_000;
  let inFlight = 0;
  let stopping: Promise<void> | undefined;

  const server: Server = createServer((request, response) => {
    const receivedAtMs = Date.now();
    inFlight++;
    response.once('close', () => {
      inFlight--;
      // While stopping, a connection whose last request just finished is idle: close it now.
      if (stopping) server.closeIdleConnections();
    });
    if (stopping) response.shouldKeepAlive = false;
    void (async () => {
      try {
        const body = await readBody(request, maxBodyBytes);
        if (body === 'too-large') {
          response.writeHead(413, { 'content-type': 'application/json' });
          response.end('{"message":"Request Entity Too Large"}');
          return;
        }
        const event = toApiGatewayEvent(request, body, receivedAtMs);
        const result = await options.handler(event, lambdaContext(functionName, timeoutMs));
        writeResult(response, result);
      } catch {
        // What API Gateway answers when the integration fails.
        if (!response.headersSent) response.writeHead(500, { 'content-type': 'application/json' });
        response.end('{"message":"Internal Server Error"}');
      }
    })();
  });
  // `once` rejects on an 'error' (EADDRINUSE…) emitted before 'listening'.
  server.listen(options.port ?? 0, host);
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    get inFlight() {
      return inFlight;
    },
    stop: () => {
      stopping ??= new Promise<void>((resolve) => {
        const grace = setTimeout(() => server.closeAllConnections(), stopGraceMs);
        grace.unref();
        server.close(() => {
          clearTimeout(grace);
          resolve();
        });
        server.closeIdleConnections();
      });
      return stopping;
    },
  };
}
