import type { IncomingMessage, ServerResponse } from 'node:http';
import { RequestAbortedError } from './body';
import type { ControlEndpoints } from './control';
import { BadRequestProblem, HttpProblem, MethodNotAllowedProblem, NotFoundProblem, RateLimitedProblem } from './errors';
import type { FaultDecision } from './faults';
import { type ApiResult, HANDLERS } from './handlers';
import { sendJson, sendProblem } from './problem';
import type { EmulatorState } from './state';
import type { Operation, RequestLogEntry } from './types';

interface Route {
  pattern: RegExp;
  methods: Readonly<Record<string, Operation>>;
}

/** The Users API v2 routes. The path segment is matched percent-encoded and decoded after. */
const ROUTES: readonly Route[] = [
  { pattern: /^\/v2\/users$/, methods: { GET: 'users.list', POST: 'users.create' } },
  { pattern: /^\/v2\/users\/([^/]+)$/, methods: { GET: 'users.get', PATCH: 'users.update', DELETE: 'users.delete' } },
  { pattern: /^\/v2\/users\/([^/]+)\/resend-invitation$/, methods: { POST: 'users.resendInvitation' } },
  { pattern: /^\/v2\/users\/([^/]+)\/reset-password$/, methods: { POST: 'users.resetPassword' } },
];

export interface RouterOptions {
  state: EmulatorState;
  control: ControlEndpoints;
  maxBodyBytes: number;
  onRequest?: (entry: RequestLogEntry) => void;
}

type Match = { operation: Operation; userId?: string } | { problem: HttpProblem };

/**
 * Dispatches every request: `/v2/*` to the Users API (with faults, auth, rate limit, counters), `/_emulator/*` to the
 * control endpoints (no faults, not counted), anything else to a 404. Nothing a client sends can make it throw: every
 * failure becomes a problem document, and only an emulator bug can produce a 500.
 *
 * @example
 * const router = new Router({ state, control, maxBodyBytes: 65_536 });
 * http.createServer((req, res) => void router.handle(req, res));
 */
export class Router {
  readonly #options: RouterOptions;
  /** Requests deliberately left hanging: released on stop. */
  readonly #hung = new Set<ServerResponse>();
  readonly #timers = new Set<NodeJS.Timeout>();

  constructor(options: RouterOptions) {
    this.#options = options;
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = performance.now();
    let path = '/';
    try {
      const url = new URL(req.url ?? '/', 'http://emulator.invalid');
      path = url.pathname;
      if (path === '/_emulator' || path.startsWith('/_emulator/')) {
        await this.#options.control.handle(req, res, url);
      } else if (path === '/v2' || path.startsWith('/v2/')) {
        await this.#api(req, res, url, started);
      } else {
        sendProblem(res, 404, 'no such resource: the Users API is under /v2, emulator control under /_emulator', path);
      }
    } catch (error) {
      this.#fail(res, error, path);
    }
  }

  /** Ends every hanging request and pending delay (server stop). */
  releaseAll(): void {
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    for (const res of this.#hung) res.destroy();
    this.#hung.clear();
  }

  async #api(req: IncomingMessage, res: ServerResponse, url: URL, started: number): Promise<void> {
    const { state, maxBodyBytes } = this.#options;
    const path = url.pathname;
    const match = matchRoute(req.method ?? 'GET', path);
    if ('problem' in match) {
      this.#respondProblem(res, match.problem, path);
      this.#done(req, path, 'unknown', match.problem.status, started);
      return;
    }
    const { operation } = match;

    const fault = state.faults.decide(operation);
    if (fault && fault.latencyMs > 0) await this.#sleep(fault.latencyMs);
    if (res.destroyed) return;
    if (fault?.hang) {
      state.counters.record(operation, 'hang');
      this.#hang(res, fault, path);
      this.#log(req, path, operation, 'hang', started, 'hang');
      return;
    }
    if (fault?.status && !fault.afterApply) {
      this.#respondFault(res, fault, path);
      this.#done(req, path, operation, fault.status, started, 'error');
      return;
    }

    let result: ApiResult | HttpProblem;
    let faultKind: RequestLogEntry['fault'];
    try {
      const caller = state.keys.authenticate(req.headers.authorization);
      const retryAfter = state.limiter.take(caller.keyName);
      if (retryAfter !== undefined) {
        faultKind = 'rate-limit';
        throw new RateLimitedProblem(retryAfter, `the rate limit of API key "${caller.keyName}" is exhausted`);
      }
      result = await HANDLERS[operation](
        { req, url, caller, ...(match.userId !== undefined ? { userId: match.userId } : {}) },
        { store: state.store, cursors: state.cursors, maxBodyBytes },
      );
    } catch (error) {
      if (error instanceof RequestAbortedError) return;
      if (!(error instanceof HttpProblem)) throw error;
      result = error;
    }

    if (fault?.status && fault.afterApply) {
      // The ambiguous failure: the request took effect, the client is told it failed.
      this.#respondFault(res, fault, path);
      this.#done(req, path, operation, fault.status, started, 'error');
      return;
    }
    if (result instanceof HttpProblem) this.#respondProblem(res, result, path);
    else sendJson(res, result.status, result.body);
    this.#done(req, path, operation, result.status, started, faultKind);
  }

  #respondProblem(res: ServerResponse, problem: HttpProblem, path: string): void {
    sendProblem(res, problem.status, problem.detail, path, problem.headers);
  }

  #respondFault(res: ServerResponse, fault: FaultDecision, path: string): void {
    if (fault.status === 429) {
      sendProblem(res, 429, 'You have exceeded the allowed number of requests. Please try again later.', path, {
        'Retry-After': String(fault.retryAfterSeconds),
      });
    } else if (fault.status === 503) {
      sendProblem(res, 503, 'The service is temporarily unable to process this request. Please retry later.', path);
    } else {
      sendProblem(res, 500, 'An unexpected error occurred.', path);
    }
  }

  #hang(res: ServerResponse, fault: FaultDecision, path: string): void {
    this.#hung.add(res);
    let timer: NodeJS.Timeout | undefined;
    res.once('close', () => {
      this.#hung.delete(res);
      if (timer) {
        clearTimeout(timer);
        this.#timers.delete(timer);
      }
    });
    if (fault.hangMs !== undefined) {
      timer = setTimeout(() => {
        this.#timers.delete(timer!);
        this.#hung.delete(res);
        sendProblem(res, 504, 'the upstream did not answer in time (emulated hang)', path);
      }, fault.hangMs);
      this.#timers.add(timer);
    }
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#timers.delete(timer);
        resolve();
      }, ms);
      this.#timers.add(timer);
    });
  }

  #done(
    req: IncomingMessage,
    path: string,
    operation: Operation | 'unknown',
    status: number,
    started: number,
    fault?: RequestLogEntry['fault'],
  ): void {
    this.#options.state.counters.record(operation, status);
    this.#log(req, path, operation, status, started, fault);
  }

  #log(
    req: IncomingMessage,
    path: string,
    operation: Operation | 'unknown',
    status: number | 'hang',
    started: number,
    fault?: RequestLogEntry['fault'],
  ): void {
    const onRequest = this.#options.onRequest;
    if (!onRequest) return;
    const entry: RequestLogEntry = {
      method: req.method ?? 'GET',
      path,
      operation,
      status,
      durationMs: Math.round((performance.now() - started) * 10) / 10,
      ...(fault ? { fault } : {}),
    };
    try {
      onRequest(entry);
    } catch {
      // A logger must never break a response.
    }
  }

  #fail(res: ServerResponse, error: unknown, path: string): void {
    if (error instanceof RequestAbortedError) return;
    if (error instanceof HttpProblem) {
      this.#respondProblem(res, error, path);
      return;
    }
    // Only an emulator bug lands here; say so loudly, but keep serving.
    console.error('users-api-emulator: internal error', error);
    sendProblem(res, 500, 'internal emulator error', path);
  }
}

function matchRoute(method: string, path: string): Match {
  for (const route of ROUTES) {
    const m = route.pattern.exec(path);
    if (!m) continue;
    // The method is the client's: only an operation the table owns (never `constructor` from its prototype).
    const operation = Object.hasOwn(route.methods, method) ? route.methods[method] : undefined;
    if (!operation) return { problem: new MethodNotAllowedProblem(Object.keys(route.methods)) };
    if (m[1] === undefined) return { operation };
    try {
      return { operation, userId: decodeURIComponent(m[1]) };
    } catch {
      return { problem: new BadRequestProblem('user_id: not valid percent-encoding') };
    }
  }
  return { problem: new NotFoundProblem(`no such resource: ${path}`) };
}
