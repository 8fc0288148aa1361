import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  createUsersClient,
  type UsersClient,
  type UsersClientOptions,
  type UserWire,
  ValidationError,
} from '@idp-sync/users-client';
import { afterAll, afterEach, beforeAll, beforeEach, expect } from 'vitest';

/** A request as the test server saw it. */
export interface SeenRequest {
  method: string;
  /** Path without the query. */
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  /** Parsed JSON body, or undefined when empty. */
  body: unknown;
  rawBody: string;
  /** Client port of the TCP connection (same port = same kept-alive socket). */
  remotePort?: number;
}

/** What the handler answers: a reply, `'hang'` (never answer), `'destroy'` (drop the connection) or `'stall-body'` (headers and half a body, then nothing). */
export type Reply =
  | { status: number; body?: unknown; raw?: string; headers?: Record<string, string> }
  | 'hang'
  | 'destroy'
  | 'stall-body';
export type Handler = (req: SeenRequest) => Reply | Promise<Reply>;

export interface TestServer {
  url: string;
  requests: SeenRequest[];
  handle(handler: Handler): void;
  close(): Promise<void>;
}

/** An HTTP server on 127.0.0.1, port 0, that records every request and answers with the current handler. */
export async function startTestServer(handler: Handler = () => ({ status: 500 })): Promise<TestServer> {
  let current = handler;
  const requests: SeenRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const rawBody = Buffer.concat(chunks).toString('utf8');
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const seen: SeenRequest = {
        method: req.method ?? '',
        path: url.pathname,
        query: url.searchParams,
        headers: req.headers,
        body: rawBody === '' ? undefined : JSON.parse(rawBody),
        rawBody,
        remotePort: req.socket.remotePort,
      };
      requests.push(seen);
      const reply = await current(seen);
      if (reply === 'hang') return;
      if (reply === 'destroy') {
        req.socket.destroy();
        return;
      }
      if (reply === 'stall-body') {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
        res.write('{"id":');
        return;
      }
      send(res, reply);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    handle(next) {
      current = next;
    },
    close() {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

function send(res: ServerResponse, reply: Exclude<Reply, 'hang' | 'destroy' | 'stall-body'>) {
  const text = reply.raw ?? (reply.body === undefined ? '' : JSON.stringify(reply.body));
  const type = reply.status >= 400 ? 'application/problem+json' : 'application/json';
  res.writeHead(reply.status, { ...(text === '' ? {} : { 'content-type': type }), ...reply.headers });
  res.end(text);
}

/** Replies in turn; the last one repeats. */
export function sequence(...replies: Reply[]): Handler {
  let i = 0;
  return () => replies[Math.min(i++, replies.length - 1)] as Reply;
}

/** An RFC 9457 problem reply. */
export function problem(status: number, title: string, detail?: string, headers?: Record<string, string>): Reply {
  return { status, body: { title, status, ...(detail ? { detail } : {}) }, headers };
}

let counter = 0;
/** A valid wire user; ids are base64 global ids like the real API's. */
export function wireUser(overrides: Partial<UserWire> & Record<string, unknown> = {}): UserWire {
  counter++;
  return {
    id: Buffer.from(`User:${1000 + counter}`).toString('base64'),
    name: `Person ${counter}`,
    email: `person${counter}@example.com`,
    created_at: '2025-01-02T03:04:05Z',
    status: 'ACTIVE',
    role: { type: 'PREDEFINED', name: 'MEMBER' },
    is_developer: true,
    ...overrides,
  } as UserWire;
}

/** A list page body. */
export function page(users: UserWire[], nextCursor?: string): Reply {
  return {
    status: 200,
    body: { users, pagination: nextCursor ? { next_cursor: nextCursor, has_more: true } : { has_more: false } },
  };
}

/** A client for the server with fast retries and no ambient environment. */
export function clientFor(server: TestServer, options: UsersClientOptions = {}): UsersClient {
  return createUsersClient({
    apiKey: 'test-api-key-123',
    baseUrl: server.url,
    env: { DISABLE_PRERELEASE_WARNING: 'true' },
    timeoutMs: 2_000,
    ...options,
    retry: options.retry === false ? false : { baseDelayMs: 1, maxDelayMs: 50, ...options.retry },
  });
}

/**
 * One test server for the file and a fresh client on it for each test: starts the server in `beforeAll` and closes it
 * in `afterAll`; before each test forgets the requests seen and makes a client with `clientOptions` (see `clientFor`),
 * closed after the test. Returns accessors, as both exist only once the hooks ran.
 *
 * @example
 * const { server, client } = useServerAndClient({ retry: false });
 * it('…', async () => {
 *   server().handle(() => page([]));
 *   await client().users.list();
 * });
 */
export function useServerAndClient(clientOptions: UsersClientOptions = {}): {
  server: () => TestServer;
  client: () => UsersClient;
} {
  let server: TestServer | undefined;
  let client: UsersClient | undefined;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server?.close());
  beforeEach(() => {
    if (!server) throw new Error('the test server did not start');
    server.requests.length = 0;
    client = clientFor(server, clientOptions);
  });
  afterEach(() => client?.close());
  const ready = <T>(value: T | undefined, what: string): T => {
    if (value === undefined)
      throw new Error(`${what} exists only inside a test (useServerAndClient makes it in a hook)`);
    return value;
  };
  return { server: () => ready(server, 'the test server'), client: () => ready(client, 'the client') };
}

/** Asserts that `call` failed validation with its first issue at `path`, and that nothing reached `server`. */
export async function expectRejectedBeforeSending(call: Promise<unknown>, path: string, server: TestServer) {
  const error = await call.catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ValidationError);
  expect((error as ValidationError).issues[0]?.path).toBe(path);
  expect(server.requests).toHaveLength(0);
}
