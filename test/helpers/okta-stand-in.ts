import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A stand-in of just the two Okta Management API list endpoints `idp-sync reconcile --from okta` calls, written from
 * Okta's API reference, on 127.0.0.1:
 * - `GET /api/v1/apps/{appId}/users?limit&after&expand=user` — the app's assigned users (AppUser, with the User in
 *   `_embedded.user` when `expand=user`);
 * - `GET /api/v1/groups/{groupId}/users?limit&after` — the group's members (User).
 * Pagination as Okta does it: an opaque `after` cursor, `Link: <…>; rel="self"` and, while more remain,
 * `Link: <…>; rel="next"`. `Authorization: SSWS <token>`, else 401 `E0000011`; an unknown app or group 404 `E0000007`;
 * `X-Rate-Limit-Limit/-Remaining/-Reset` on every answer, and with `rateLimitEvery: n` every n-th request is a 429
 * `E0000047` whose reset is the next second (as Okta answers when a bucket is empty).
 */
export interface OktaStandInUser {
  id: string;
  status:
    | 'ACTIVE'
    | 'DEPROVISIONED'
    | 'SUSPENDED'
    | 'PROVISIONED'
    | 'STAGED'
    | 'LOCKED_OUT'
    | 'RECOVERY'
    | 'PASSWORD_EXPIRED';
  login: string;
  email?: string;
  firstName?: string;
  lastName?: string;
}

export interface OktaStandIn {
  readonly url: string;
  readonly token: string;
  /** Requests answered, by kind. */
  readonly counts: { requests: number; rateLimited: number; pages: number };
  setApp(appId: string, users: OktaStandInUser[]): void;
  setGroup(groupId: string, users: OktaStandInUser[]): void;
  stop(): Promise<void>;
}

const MAX_LIMIT = { app: 500, group: 1000 } as const;

export async function startOktaStandIn(options: { rateLimitEvery?: number } = {}): Promise<OktaStandIn> {
  const token = `00${randomUUID().replace(/-/g, '')}`;
  const apps = new Map<string, OktaStandInUser[]>();
  const groups = new Map<string, OktaStandInUser[]>();
  const counts = { requests: 0, rateLimited: 0, pages: 0 };
  let base = '';

  const userJson = (u: OktaStandInUser) => ({
    id: u.id,
    status: u.status,
    created: '2026-01-01T00:00:00.000Z',
    activated: null,
    statusChanged: null,
    lastLogin: null,
    lastUpdated: '2026-01-02T00:00:00.000Z',
    passwordChanged: null,
    type: { id: 'oty1' },
    profile: {
      login: u.login,
      email: u.email ?? u.login,
      firstName: u.firstName ?? null,
      lastName: u.lastName ?? null,
    },
    credentials: { provider: { type: 'OKTA', name: 'OKTA' } },
    _links: { self: { href: `${base}/api/v1/users/${u.id}` } },
  });
  const appUserJson = (appId: string, u: OktaStandInUser, expand: boolean) => ({
    id: u.id,
    externalId: null,
    created: '2026-01-01T00:00:00.000Z',
    lastUpdated: '2026-01-02T00:00:00.000Z',
    scope: 'USER',
    status: u.status === 'DEPROVISIONED' ? 'INACTIVE' : 'PROVISIONED',
    statusChanged: '2026-01-02T00:00:00.000Z',
    syncState: 'DISABLED',
    credentials: { userName: u.login },
    profile: {},
    _links: { app: { href: `${base}/api/v1/apps/${appId}` }, user: { href: `${base}/api/v1/users/${u.id}` } },
    ...(expand ? { _embedded: { user: userJson(u) } } : {}),
  });

  const error = (res: ServerResponse, status: number, errorCode: string, errorSummary: string) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        errorCode,
        errorSummary,
        errorLink: errorCode,
        errorId: `oae${randomUUID().slice(0, 8)}`,
        errorCauses: [],
      }),
    );
  };

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    counts.requests++;
    const url = new URL(req.url ?? '/', base);
    const resetSeconds = Math.floor(Date.now() / 1000) + 1;
    res.setHeader('date', new Date().toUTCString());
    res.setHeader('x-rate-limit-limit', '600');
    res.setHeader('x-rate-limit-reset', String(resetSeconds));
    if (req.headers.authorization !== `SSWS ${token}`) {
      error(res, 401, 'E0000011', 'Invalid token provided');
      return;
    }
    if (options.rateLimitEvery !== undefined && counts.requests % options.rateLimitEvery === 0) {
      counts.rateLimited++;
      res.setHeader('x-rate-limit-remaining', '0');
      error(res, 429, 'E0000047', 'API call exceeded rate limit due to too many requests.');
      return;
    }
    res.setHeader('x-rate-limit-remaining', '599');
    const app = /^\/api\/v1\/apps\/([^/]+)\/users$/.exec(url.pathname);
    const group = /^\/api\/v1\/groups\/([^/]+)\/users$/.exec(url.pathname);
    if (req.method !== 'GET' || (!app && !group)) {
      error(res, 404, 'E0000022', 'The endpoint does not support the provided HTTP method');
      return;
    }
    const id = decodeURIComponent((app ?? group)?.[1] ?? '');
    const users = app ? apps.get(id) : groups.get(id);
    if (users === undefined) {
      error(res, 404, 'E0000007', `Not found: Resource not found: ${id} (${app ? 'AppInstance' : 'UserGroup'})`);
      return;
    }
    const max = app ? MAX_LIMIT.app : MAX_LIMIT.group;
    const limit = Math.min(max, Math.max(1, Number(url.searchParams.get('limit') ?? (app ? 50 : 1000)) || 50));
    // The cursor is opaque to clients: here, the id of the last user of the previous page.
    const after = url.searchParams.get('after');
    const sorted = [...users].sort((a, b) => (a.id < b.id ? -1 : 1));
    const start = after === null ? 0 : sorted.findIndex((u) => u.id > after);
    const page = start < 0 ? [] : sorted.slice(start, start + limit);
    counts.pages++;
    const self = new URL(url.pathname, base);
    for (const [k, v] of url.searchParams) self.searchParams.set(k, v);
    const links = [`<${self}>; rel="self"`];
    const last = page.at(-1);
    if (last !== undefined && start + limit < sorted.length) {
      const next = new URL(self);
      next.searchParams.set('after', last.id);
      links.push(`<${next}>; rel="next"`);
    }
    res.setHeader('link', links);
    res.writeHead(200, { 'content-type': 'application/json' });
    const expand = url.searchParams.get('expand') === 'user';
    res.end(JSON.stringify(page.map((u) => (app ? appUserJson(id, u, expand) : userJson(u)))));
  };

  const server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: base,
    token,
    counts,
    setApp: (appId, users) => apps.set(appId, users),
    setGroup: (groupId, users) => groups.set(groupId, users),
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
