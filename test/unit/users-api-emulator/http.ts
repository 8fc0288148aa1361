import { type Dispatcher, request } from 'undici';

/** What a test needs from a response. */
export interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** Parsed JSON, or undefined for an empty body. Loosely typed on purpose: tests assert on its shape. */
  // biome-ignore lint/suspicious/noExplicitAny: test responses are checked by assertions, not by the compiler
  body: any;
  contentType: string;
}

export interface CallOptions {
  /** API key to send as Bearer; null sends no Authorization header. */
  key?: string | null;
  /** A value is sent as JSON; a string or Buffer is sent raw. */
  body?: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  dispatcher?: Dispatcher;
}

/**
 * One HTTP call to the emulator with undici, answering status, headers and parsed JSON.
 *
 * @example
 * const r = await call(emulator.url, emulator.apiKey, 'GET', '/v2/users?limit=2');
 */
export async function call(
  baseUrl: string,
  key: string | null,
  method: Dispatcher.HttpMethod,
  path: string,
  options: Omit<CallOptions, 'key'> = {},
): Promise<Reply> {
  const headers: Record<string, string> = { accept: 'application/json, application/problem+json', ...options.headers };
  if (key !== null) headers.authorization = `Bearer ${key}`;
  let body: string | Buffer | undefined;
  if (options.body !== undefined) {
    if (typeof options.body === 'string' || Buffer.isBuffer(options.body)) body = options.body;
    else {
      body = JSON.stringify(options.body);
      headers['content-type'] ??= 'application/json';
    }
  }
  const res = await request(`${baseUrl}${path}`, {
    method,
    headers,
    ...(body !== undefined ? { body } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.dispatcher ? { dispatcher: options.dispatcher } : {}),
  });
  const text = await res.body.text();
  const contentType = String(res.headers['content-type'] ?? '');
  return {
    status: res.statusCode,
    headers: res.headers,
    body: text.length > 0 && contentType.includes('json') ? JSON.parse(text) : text.length > 0 ? text : undefined,
    contentType,
  };
}

export const member = { type: 'PREDEFINED', name: 'MEMBER' } as const;
export const admin = { type: 'PREDEFINED', name: 'ADMIN' } as const;
export const annotator = { type: 'PREDEFINED', name: 'ANNOTATOR' } as const;

/** A valid create body. */
export function createBody(email: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { name: 'Test Person', email, role: member, invite_mode: 'EMAIL_LINK', ...overrides };
}
