import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBody, readJsonObject } from './body';
import { BadRequestProblem, HttpProblem, MethodNotAllowedProblem, NotFoundProblem } from './errors';
import { sendJson, sendProblem } from './problem';
import { describeIssues, FaultConfigSchema, RateLimitConfigSchema, SeedBodySchema } from './schemas';
import type { EmulatorState } from './state';
import type { CustomRoleDefinition, FaultConfig, RateLimitConfig } from './types';

type ControlHandler = (
  req: IncomingMessage,
  url: URL,
  id: string | undefined,
) => Promise<{ status: number; body?: unknown }>;

interface ControlRoute {
  pattern: RegExp;
  methods: Readonly<Record<string, ControlHandler>>;
}

/**
 * The emulator-only endpoints under `/_emulator/` (never part of the real API, never faulted, never counted, no auth:
 * the emulator only listens on loopback). Bodies and answers are JSON; errors are problem documents.
 *
 * | method and path | does |
 * |---|---|
 * | `GET /_emulator/health` | `{ ok: true }` |
 * | `POST /_emulator/reset` | back to the start-up state (204) |
 * | `GET /_emulator/users[?email=]` | every record, deleted included, with verified/login/cascade |
 * | `POST /_emulator/users` `{ users: SeedUser[] }` | place users in any state (201 `{ users }`) |
 * | `GET /_emulator/users/{id}` | one record (deleted included) |
 * | `POST /_emulator/users/{id}/accept` | INVITED → ACTIVE, verified |
 * | `POST /_emulator/users/{id}/expire` | INVITED → EXPIRED |
 * | `GET /_emulator/faults` | `{ faults, rateLimit }` (null when off) |
 * | `PUT /_emulator/faults` `FaultConfig` / `DELETE` | set / clear faults (PRNG re-seeded) |
 * | `PUT /_emulator/rate-limit` `RateLimitConfig` / `DELETE` | set / clear the per-key rate limit |
 * | `GET /_emulator/roles` / `PUT` `{ roles: [{ id, name }] }` | the account's custom RBAC roles (a create may assign them) |
 * | `GET /_emulator/counters` | calls per operation and status |
 * | `POST /_emulator/counters/reset` | zero the counters (204) |
 * | `GET /_emulator/api-keys` | the keys (names, roles, revoked; never secrets) |
 *
 * @example
 * await fetch(`${emulator.url}/_emulator/users`, { method: 'POST', headers: { 'content-type': 'application/json' },
 *   body: JSON.stringify({ users: [{ name: 'Ada', email: 'ada@example.com', status: 'INVITED' }] }) });
 */
export class ControlEndpoints {
  readonly #state: EmulatorState;
  readonly #maxBodyBytes: number;
  readonly #routes: readonly ControlRoute[];

  constructor(state: EmulatorState, maxBodyBytes: number) {
    this.#state = state;
    this.#maxBodyBytes = maxBodyBytes;
    const s = state;
    type Result = { status: number; body?: unknown };
    // An endpoint without a request body: the body is still read (bounded) and ignored.
    const noBody =
      (fn: (url: URL, id: string | undefined) => Result): ControlHandler =>
      async (req, url, id) => {
        await readBody(req, maxBodyBytes);
        return fn(url, id);
      };
    this.#routes = [
      {
        pattern: /^\/_emulator\/health$/,
        methods: { GET: noBody(() => ({ status: 200, body: { ok: true, users: s.store.size } })) },
      },
      {
        pattern: /^\/_emulator\/reset$/,
        methods: {
          POST: noBody(() => {
            s.reset();
            return { status: 204 };
          }),
        },
      },
      {
        pattern: /^\/_emulator\/users$/,
        methods: {
          GET: noBody((url) => {
            const email = url.searchParams.get('email');
            if (email !== null) {
              const user = s.findByEmail(email);
              return { status: 200, body: { users: user ? [user] : [] } };
            }
            return { status: 200, body: { users: s.users() } };
          }),
          POST: async (req) => {
            const parsed = SeedBodySchema.safeParse(await this.#json(req));
            if (!parsed.success) throw new BadRequestProblem(describeIssues(parsed.error));
            return { status: 201, body: { users: s.seed(parsed.data.users) } };
          },
        },
      },
      {
        pattern: /^\/_emulator\/users\/([^/]+)$/,
        methods: {
          GET: noBody((_url, id) => {
            const user = id === undefined ? undefined : s.user(id);
            if (!user) throw new NotFoundProblem(`user '${id}' not found`);
            return { status: 200, body: user };
          }),
        },
      },
      {
        pattern: /^\/_emulator\/users\/([^/]+)\/accept$/,
        methods: { POST: noBody((_url, id) => ({ status: 200, body: s.acceptInvitation(id!) })) },
      },
      {
        pattern: /^\/_emulator\/users\/([^/]+)\/expire$/,
        methods: { POST: noBody((_url, id) => ({ status: 200, body: s.expireInvitation(id!) })) },
      },
      {
        pattern: /^\/_emulator\/faults$/,
        methods: {
          GET: noBody(() => ({ status: 200, body: this.#faultState() })),
          PUT: async (req) => {
            const parsed = FaultConfigSchema.safeParse(await this.#json(req));
            if (!parsed.success) throw new BadRequestProblem(describeIssues(parsed.error));
            s.setFaults(parsed.data as FaultConfig);
            return { status: 200, body: this.#faultState() };
          },
          DELETE: noBody(() => {
            s.setFaults(undefined);
            return { status: 204 };
          }),
        },
      },
      {
        pattern: /^\/_emulator\/rate-limit$/,
        methods: {
          GET: noBody(() => ({ status: 200, body: this.#faultState() })),
          PUT: async (req) => {
            const parsed = RateLimitConfigSchema.safeParse(await this.#json(req));
            if (!parsed.success) throw new BadRequestProblem(describeIssues(parsed.error));
            s.setRateLimit(parsed.data as RateLimitConfig);
            return { status: 200, body: this.#faultState() };
          },
          DELETE: noBody(() => {
            s.setRateLimit(undefined);
            return { status: 204 };
          }),
        },
      },
      {
        pattern: /^\/_emulator\/roles$/,
        methods: {
          GET: noBody(() => ({ status: 200, body: { roles: s.customRoles() } })),
          PUT: async (req) => {
            const body = await this.#json(req);
            const roles =
              body !== null && typeof body === 'object' && Object.hasOwn(body, 'roles')
                ? (body as { roles: unknown }).roles
                : undefined;
            if (!Array.isArray(roles))
              throw new BadRequestProblem('the body must be { "roles": [ { "id": …, "name": … } ] }');
            return { status: 200, body: { roles: s.setCustomRoles(roles as CustomRoleDefinition[]) } };
          },
        },
      },
      {
        pattern: /^\/_emulator\/counters$/,
        methods: { GET: noBody(() => ({ status: 200, body: s.counterSnapshot() })) },
      },
      {
        pattern: /^\/_emulator\/counters\/reset$/,
        methods: {
          POST: noBody(() => {
            s.counters.reset();
            return { status: 204 };
          }),
        },
      },
      {
        pattern: /^\/_emulator\/api-keys$/,
        methods: { GET: noBody(() => ({ status: 200, body: { apiKeys: s.keys.describe() } })) },
      },
    ];
  }

  async handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const path = url.pathname;
    try {
      const route = this.#routes.find((r) => r.pattern.test(path));
      if (!route) throw new NotFoundProblem(`no such emulator control endpoint: ${path}`);
      // The method is the client's: only a handler the table owns (never `constructor` from its prototype).
      const method = req.method ?? 'GET';
      const handler = Object.hasOwn(route.methods, method) ? route.methods[method] : undefined;
      if (!handler) throw new MethodNotAllowedProblem(Object.keys(route.methods));
      const raw = route.pattern.exec(path)?.[1];
      let id: string | undefined;
      try {
        id = raw === undefined ? undefined : decodeURIComponent(raw);
      } catch {
        throw new BadRequestProblem('user id: not valid percent-encoding');
      }
      const result = await handler(req, url, id);
      sendJson(res, result.status, result.body);
    } catch (error) {
      if (!(error instanceof HttpProblem)) throw error;
      sendProblem(res, error.status, error.detail, path, error.headers);
    }
  }

  #faultState(): { faults: FaultConfig | null; rateLimit: RateLimitConfig | null } {
    return { faults: this.#state.faults.config ?? null, rateLimit: this.#state.limiter.config ?? null };
  }

  async #json(req: IncomingMessage): Promise<Record<string, unknown>> {
    return (await readJsonObject(req, this.#maxBodyBytes, true)) ?? {};
  }
}
