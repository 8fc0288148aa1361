import type { IncomingMessage } from 'node:http';
import { type Caller, requireAccountAdmin, requirePermission } from './auth';
import { readBody, readJsonObject } from './body';
import type { CursorCodec } from './cursor';
import { BadRequestProblem, NotFoundProblem } from './errors';
import { decodeUserId } from './ids';
import { CreateUserRequestSchema, describeIssues, UpdateUserRequestSchema } from './schemas';
import { toWireCreatedUser, toWireUser, type UserStore } from './store';
import { type Operation, USER_STATUSES, type UserStatus, type WireUserList } from './types';

/** The server's page size when `limit` is omitted (not published; the vendor clients always send 50). */
export const DEFAULT_LIST_LIMIT = 50;
export const MAX_LIST_LIMIT = 100;
const MAX_EMAIL_FILTER = 255;

export interface ApiRequest {
  req: IncomingMessage;
  url: URL;
  /** The `{user_id}` path segment, percent-decoded. */
  userId?: string;
  caller: Caller;
}

export interface ApiResult {
  status: number;
  body?: unknown;
}

export interface HandlerDeps {
  store: UserStore;
  cursors: CursorCodec;
  maxBodyBytes: number;
}

type Handler = (request: ApiRequest, deps: HandlerDeps) => Promise<ApiResult>;

/** The seven operations of the Users API v2. */
export const HANDLERS: Record<Operation, Handler> = {
  'users.list': async ({ req, url, caller }, { store, cursors, maxBodyBytes }) => {
    requirePermission(caller, 'USER_READ', 'list users');
    await readBody(req, maxBodyBytes);
    const query = url.searchParams;
    const limit = parseLimit(single(query, 'limit'));
    const email = single(query, 'email') ?? '';
    if (email.length > MAX_EMAIL_FILTER)
      throw new BadRequestProblem(`email: must be at most ${MAX_EMAIL_FILTER} characters`);
    const statuses = parseStatuses(query.getAll('status'));
    const filter = cursors.filterKey(email, [...statuses]);
    const cursor = single(query, 'cursor');
    let after: { createdAtMs: number; seq: number } | undefined;
    if (cursor !== undefined) {
      const position = cursors.decode(cursor);
      if (!position) throw new BadRequestProblem('cursor: not a cursor this API issued (use pagination.next_cursor)');
      if (position.filter !== filter) {
        throw new BadRequestProblem('cursor: it belongs to a listing with other email/status filters');
      }
      after = { createdAtMs: position.createdAtMs, seq: position.seq };
    }
    const page = store.list({ email, statuses, limit, ...(after ? { after } : {}) });
    const body: WireUserList = {
      users: page.users,
      pagination: { has_more: page.hasMore },
    };
    if (page.hasMore && page.last) body.pagination.next_cursor = cursors.encode({ ...page.last, filter });
    return { status: 200, body };
  },

  'users.get': async ({ req, userId, caller }, { store, maxBodyBytes }) => {
    await readBody(req, maxBodyBytes);
    const seq = parseUserId(userId);
    // Get answers 404 (not 403) to a caller that may not read users: it does not reveal that the user exists.
    if (!caller.accountAdmin && !caller.permissions.has('USER_READ')) {
      throw new NotFoundProblem(`user '${userId}' not found`);
    }
    return { status: 200, body: toWireUser(store.get(seq)) };
  },

  'users.create': async ({ req, caller }, { store, maxBodyBytes }) => {
    requirePermission(caller, 'USER_CREATE', 'create users');
    const parsed = CreateUserRequestSchema.safeParse(await readJsonObject(req, maxBodyBytes, true));
    if (!parsed.success) throw new BadRequestProblem(describeIssues(parsed.error));
    const result = store.create(parsed.data);
    if (!result.created) return { status: 200, body: toWireUser(result.user) };
    return { status: 201, body: toWireCreatedUser(result.user, result.temporaryPassword) };
  },

  'users.update': async ({ req, userId, caller }, { store, maxBodyBytes }) => {
    requirePermission(caller, 'USER_UPDATE', 'update users');
    const seq = parseUserId(userId);
    const parsed = UpdateUserRequestSchema.safeParse(await readJsonObject(req, maxBodyBytes, true));
    if (!parsed.success) throw new BadRequestProblem(describeIssues(parsed.error));
    // As the published OpenAPI says: a caller without account admin that includes is_developer at all gets 403.
    if (parsed.data.is_developer !== undefined) requireAccountAdmin(caller, 'set is_developer');
    return { status: 200, body: toWireUser(store.update(seq, parsed.data)) };
  },

  'users.delete': async ({ req, userId, caller }, { store, maxBodyBytes }) => {
    requirePermission(caller, 'USER_DELETE', 'delete users');
    await readBody(req, maxBodyBytes);
    store.delete(parseUserId(userId), caller);
    return { status: 204 };
  },

  'users.resendInvitation': async ({ req, userId, caller }, { store, maxBodyBytes }) => {
    requirePermission(caller, 'USER_CREATE', 'resend invitations');
    await readBody(req, maxBodyBytes);
    store.resendInvitation(parseUserId(userId));
    return { status: 204 };
  },

  'users.resetPassword': async ({ req, userId, caller }, { store, maxBodyBytes }) => {
    requirePermission(caller, 'USER_UPDATE', 'reset passwords');
    await readBody(req, maxBodyBytes);
    store.resetPassword(parseUserId(userId));
    return { status: 204 };
  },
};

/**
 * A user id from the path, as a sequence number.
 *
 * @throws BadRequestProblem when it is not an opaque user id this API issues.
 */
export function parseUserId(userId: string | undefined): number {
  const seq = userId === undefined ? undefined : decodeUserId(userId);
  if (seq === undefined) {
    throw new BadRequestProblem('user_id: not a valid user id (an opaque base64 id such as "VXNlcjoxMjM0NQ==")');
  }
  return seq;
}

function single(query: URLSearchParams, name: string): string | undefined {
  const values = query.getAll(name);
  if (values.length > 1) throw new BadRequestProblem(`${name}: give it at most once`);
  return values[0];
}

function parseLimit(raw: string | undefined): number {
  if (raw === undefined) return DEFAULT_LIST_LIMIT;
  const limit = /^[0-9]{1,4}$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIST_LIMIT) {
    throw new BadRequestProblem(`limit: must be an integer from 1 to ${MAX_LIST_LIMIT}`);
  }
  return limit;
}

function parseStatuses(raw: string[]): ReadonlySet<UserStatus> {
  if (raw.length === 0) return new Set(USER_STATUSES);
  const statuses = new Set<UserStatus>();
  for (const value of raw) {
    if (!(USER_STATUSES as readonly string[]).includes(value)) {
      throw new BadRequestProblem(`status: must be one of ${USER_STATUSES.join(', ')} (repeat the key for several)`);
    }
    statuses.add(value as UserStatus);
  }
  return statuses;
}
