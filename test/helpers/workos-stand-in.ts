import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A stand-in of just WorkOS's `GET /directory_users?directory=…&limit&after&order` (the list `idp-sync reconcile --from
 * workos` reads), written from WorkOS's API reference, on 127.0.0.1: `Authorization: Bearer sk_…`, else 401; an
 * unknown directory 404 (`entity_not_found`); `limit` 1–100 (default 10); `after` is the id of the last object of the
 * previous page; the answer `{ object: 'list', data: [directory users], list_metadata: { before, after } }` with
 * `after: null` on the last page. `rateLimitEvery: n` makes every n-th request a 429 with `Retry-After: 1`.
 */
export interface WorkosStandInUser {
  id: string;
  email?: string;
  emails?: { primary?: boolean; type?: string; value: string }[];
  username?: string;
  first_name?: string;
  last_name?: string;
  state: 'active' | 'inactive';
}

export interface WorkosStandIn {
  readonly url: string;
  readonly apiKey: string;
  readonly counts: { requests: number; rateLimited: number; pages: number };
  setDirectory(directoryId: string, users: WorkosStandInUser[]): void;
  stop(): Promise<void>;
}

export async function startWorkosStandIn(options: { rateLimitEvery?: number } = {}): Promise<WorkosStandIn> {
  const apiKey = `sk_test_${randomUUID().replace(/-/g, '')}`;
  const directories = new Map<string, WorkosStandInUser[]>();
  const counts = { requests: 0, rateLimited: 0, pages: 0 };
  let base = '';
  const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };
  const handle = (req: IncomingMessage, res: ServerResponse) => {
    counts.requests++;
    const url = new URL(req.url ?? '/', base);
    if (req.headers.authorization !== `Bearer ${apiKey}`) {
      json(res, 401, { message: 'Unauthorized' });
      return;
    }
    if (options.rateLimitEvery !== undefined && counts.requests % options.rateLimitEvery === 0) {
      counts.rateLimited++;
      json(res, 429, { message: 'Too many requests' }, { 'retry-after': '1' });
      return;
    }
    if (req.method !== 'GET' || url.pathname !== '/directory_users') {
      json(res, 404, { message: 'Not found' });
      return;
    }
    const directory = url.searchParams.get('directory') ?? '';
    const users = directories.get(directory);
    if (users === undefined) {
      json(res, 404, {
        code: 'entity_not_found',
        message: `Directory not found: '${directory}'.`,
        entity_id: directory,
      });
      return;
    }
    const limit = Number(url.searchParams.get('limit') ?? 10);
    if (!Number.isInteger(limit) || limit < 1 || limit > 100) {
      json(res, 422, { code: 'invalid_request_parameters', message: 'limit must be between 1 and 100' });
      return;
    }
    const order = url.searchParams.get('order') === 'asc' ? 1 : -1;
    const sorted = [...users].sort((a, b) => (a.id < b.id ? -order : order));
    const after = url.searchParams.get('after');
    const start = after === null ? 0 : sorted.findIndex((u) => u.id === after) + 1;
    const data = sorted.slice(start, start + limit);
    counts.pages++;
    const last = data.at(-1);
    json(res, 200, {
      object: 'list',
      data: data.map((u) => ({
        object: 'directory_user',
        directory_id: directory,
        organization_id: 'org_01EZTR6WYX1A0DSE2CYMGXQ24Y',
        idp_id: u.id.slice(-6),
        raw_attributes: {},
        custom_attributes: {},
        created_at: '2026-01-01T00:00:00.000Z',
        updated_at: '2026-01-02T00:00:00.000Z',
        ...u,
      })),
      list_metadata: {
        before: data[0]?.id ?? null,
        after: last !== undefined && start + limit < sorted.length ? last.id : null,
      },
    });
  };
  const server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: base,
    apiKey,
    counts,
    setDirectory: (id, users) => directories.set(id, users),
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
