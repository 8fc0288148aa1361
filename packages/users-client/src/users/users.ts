import { redactEmail } from '@idp-sync/common';
import type { ResolvedConfig } from '../config';
import { ConflictError, InvalidResponseError, type UsersApiErrorInit } from '../errors';
import type { HttpResponse, HttpTransport, RequestOptions } from '../transport';
import { warnPrerelease } from '../warnings';
import { bulkDelete } from './bulk-delete';
import { emailKey } from './email-key';
import {
  BulkDeleteParamsSchema,
  CreateParamsSchema,
  CreateUserResponseWireSchema,
  GetParamsSchema,
  ListParamsSchema,
  ListUsersResponseWireSchema,
  UpdateParamsSchema,
  UserIdParamsSchema,
  UserWireSchema,
} from './schemas';
import { createResult, listFromWire, roleToRequest, userFromWire } from './serializers';
import type {
  BulkDeleteItemResult,
  BulkDeleteParams,
  CreateUserParams,
  CreateUserResult,
  GetUserParams,
  IterateUsersParams,
  ListUsersParams,
  UpdateUserParams,
  User,
  UserIdParams,
  UserList,
  UserStatus,
} from './types';
import { parseInput, parseResponse } from './validation';

const BASE = '/v2/users';
const ITERATE_PAGE_SIZE = 100;
// When one email has several records (an EXPIRED invite and a newer INVITED one), the live one is "the" user.
const STATUS_PREFERENCE: Record<UserStatus, number> = { ACTIVE: 3, INVITED: 2, EXPIRED: 1 };

const userPath = (userId: string) => `${BASE}/${encodeURIComponent(userId)}`;

function expectStatus(res: HttpResponse, expected: readonly number[], context: UsersApiErrorInit): void {
  if (!expected.includes(res.status)) {
    throw new InvalidResponseError({
      ...context,
      status: res.status,
      attempts: res.attempts,
      issues: [{ path: '(status)', message: `expected ${expected.join(' or ')}, got ${res.status}` }],
      message: `${context.operation}: unexpected success status ${res.status} (expected ${expected.join(' or ')})`,
    });
  }
}

function listQuery(params: { email?: string; status?: UserStatus | UserStatus[]; limit?: number; cursor?: string }) {
  const q = new URLSearchParams();
  if (params.limit !== undefined) q.set('limit', String(params.limit));
  if (params.cursor !== undefined) q.set('cursor', params.cursor);
  if (params.email !== undefined) q.set('email', params.email);
  if (params.status !== undefined) {
    for (const s of Array.isArray(params.status) ? params.status : [params.status]) q.append('status', s);
  }
  return q.toString();
}

/**
 * `client.users`: the Users API v2 operations, plus an iterator over all pages, email lookup across all pages and a
 * bulk delete that reports per user. Every method takes {@link RequestOptions} (signal, timeout, budget) last.
 *
 * @example
 * const users: UsersResource = createUsersClient().users;
 */
export class UsersResource {
  constructor(
    private readonly transport: HttpTransport,
    private readonly config: ResolvedConfig,
  ) {}

  private warn(operation: string): void {
    warnPrerelease(operation, this.config.logger, this.config.env);
  }

  /**
   * One page of users, oldest first. `email` is a case-insensitive substring filter; `status` one or several statuses.
   *
   * @example
   * const page = await client.users.list({ status: ['INVITED', 'EXPIRED'], limit: 50 });
   * if (page.hasMore) await client.users.list({ cursor: page.nextCursor });
   */
  async list(params: ListUsersParams = {}, options?: RequestOptions): Promise<UserList> {
    this.warn('users.list');
    const p = parseInput(ListParamsSchema, params, 'users.list');
    return this.fetchPage('users.list', p, options);
  }

  private async fetchPage(
    operation: string,
    params: { email?: string; status?: UserStatus | UserStatus[]; limit?: number; cursor?: string },
    options?: RequestOptions,
  ): Promise<UserList> {
    const res = await this.transport.send(
      { operation, method: 'GET', path: BASE, query: listQuery(params), policy: 'idempotent' },
      options,
    );
    const context = { operation, method: 'GET', path: BASE };
    expectStatus(res, [200], context);
    return listFromWire(parseResponse(ListUsersResponseWireSchema, res.body, context));
  }

  /**
   * Every user matching the filters, page after page (page size `limit`, default 100). Input is checked when called;
   * a server whose pagination loops or lacks a cursor ends the iteration with {@link InvalidResponseError}.
   *
   * @example
   * for await (const user of client.users.iterate({ status: 'INVITED' })) console.log(user.id);
   */
  iterate(params: IterateUsersParams = {}, options?: RequestOptions): AsyncIterable<User> {
    this.warn('users.iterate');
    const p = parseInput(ListParamsSchema.omit({ cursor: true }), params, 'users.iterate');
    return this.pages('users.iterate', { ...p, limit: p.limit ?? ITERATE_PAGE_SIZE }, options);
  }

  private async *pages(
    operation: string,
    params: { email?: string; status?: UserStatus | UserStatus[]; limit?: number },
    options?: RequestOptions,
  ): AsyncGenerator<User, void, undefined> {
    const seen = new Set<string>();
    let cursor: string | undefined;
    for (;;) {
      const page = await this.fetchPage(operation, { ...params, cursor }, options);
      yield* page.users;
      if (!page.hasMore) return;
      const broken =
        page.nextCursor === undefined
          ? 'has_more is true but next_cursor is missing'
          : seen.has(page.nextCursor)
            ? 'next_cursor repeats an earlier cursor'
            : undefined;
      if (broken) {
        throw new InvalidResponseError({
          operation,
          method: 'GET',
          path: BASE,
          issues: [{ path: 'pagination.next_cursor', message: broken }],
          message: `${operation}: pagination broke the contract — ${broken}`,
        });
      }
      cursor = page.nextCursor as string;
      seen.add(cursor);
    }
  }

  /**
   * The user with exactly this email (ASCII letters case-insensitive, nothing else folded: `emailKey`), searched across
   * all pages of the substring filter; null if none. Several records for one address (an EXPIRED invite and a newer
   * one): ACTIVE, then INVITED, then EXPIRED, the newest first within a status.
   */
  private async findByEmail(email: string, operation: string, options?: RequestOptions): Promise<User | null> {
    const wanted = emailKey(email);
    let best: User | null = null;
    for await (const user of this.pages(operation, { email: email.trim(), limit: ITERATE_PAGE_SIZE }, options)) {
      if (emailKey(user.email) !== wanted) continue;
      // Oldest first, so ">=" makes a later record of the same status win.
      if (best === null || STATUS_PREFERENCE[user.status] >= STATUS_PREFERENCE[best.status]) best = user;
    }
    return best;
  }

  /**
   * A user by id, or — when `user` contains `@` — by exact email across all pages.
   * An id that does not exist throws {@link NotFoundError}; an email that does not exist gives null.
   *
   * @example
   * const byId = await client.users.get({ user: 'VXNlcjoxMjM0NQ==' });
   * const byEmail = await client.users.get({ user: 'Ada@Example.com' }); // null when absent
   */
  async get(params: GetUserParams, options?: RequestOptions): Promise<User | null> {
    this.warn('users.get');
    const { user } = parseInput(GetParamsSchema, params, 'users.get');
    if (user.includes('@')) return this.findByEmail(user, 'users.get', options);
    const path = userPath(user);
    const res = await this.transport.send(
      { operation: 'users.get', method: 'GET', path, policy: 'idempotent' },
      options,
    );
    const context = { operation: 'users.get', method: 'GET', path };
    expectStatus(res, [200], context);
    return userFromWire(parseResponse(UserWireSchema, res.body, context));
  }

  /**
   * Invites (or, with NONE, directly adds) a user. Idempotent on email for EMAIL_LINK and TEMPORARY_PASSWORD: an
   * existing pending invitation answers 200 and gives `created: false`. Retried on transient failures (see README).
   *
   * @example
   * const r = await client.users.create({ name: 'Ada', email: 'ada@example.com', role: roles.member(), inviteMode: 'EMAIL_LINK' });
   * if (r.created) console.log('invited', r.user.id);
   */
  async create(params: CreateUserParams, options?: RequestOptions): Promise<CreateUserResult> {
    this.warn('users.create');
    const p = parseInput(CreateParamsSchema, params, 'users.create');
    const body: Record<string, unknown> = {
      name: p.name,
      email: p.email,
      role: roleToRequest(p.role),
      invite_mode: p.inviteMode,
    };
    if (p.isDeveloper !== undefined) body.is_developer = p.isDeveloper;
    const context = { operation: 'users.create', method: 'POST' as const, path: BASE };

    let res: HttpResponse;
    try {
      res = await this.transport.send({ ...context, body, policy: 'create' }, options);
    } catch (error) {
      // NONE makes the user ACTIVE at once, so a repeat of an attempt that was applied answers 409. Only then (an
      // earlier attempt may have landed) is the 409 checked against the account; a first-try 409 is a real conflict.
      if (error instanceof ConflictError && p.inviteMode === 'NONE' && error.priorAttemptUncertain) {
        const found = await this.findByEmail(p.email, 'users.create', options);
        if (found !== null) {
          this.config.logger.debug?.('users.create: 409 after an uncertain attempt; the user exists', {
            email: redactEmail(p.email),
            userId: found.id,
          });
          return createResult({
            user: found,
            created: false,
            attempts: error.attempts ?? 1,
            priorAttemptUncertain: true,
            resolvedConflict: true,
          });
        }
      }
      throw error;
    }

    expectStatus(res, [200, 201], context);
    if (res.status === 201) {
      const wire = parseResponse(CreateUserResponseWireSchema, res.body, context);
      return createResult({
        user: userFromWire(wire),
        created: true,
        inviteMode: wire.invite_mode,
        temporaryPassword: wire.temporary_password ?? undefined,
        attempts: res.attempts,
        priorAttemptUncertain: res.priorAttemptUncertain,
      });
    }
    return createResult({
      user: userFromWire(parseResponse(UserWireSchema, res.body, context)),
      created: false,
      attempts: res.attempts,
      priorAttemptUncertain: res.priorAttemptUncertain,
    });
  }

  /**
   * Changes a user's name and/or developer flag. At least one is required (checked before sending).
   *
   * @example
   * const user = await client.users.update({ userId, name: 'Ada Lovelace' });
   */
  async update(params: UpdateUserParams, options?: RequestOptions): Promise<User> {
    this.warn('users.update');
    const p = parseInput(UpdateParamsSchema, params, 'users.update');
    const body: Record<string, unknown> = {};
    if (p.name !== undefined) body.name = p.name;
    if (p.isDeveloper !== undefined) body.is_developer = p.isDeveloper;
    const path = userPath(p.userId);
    const res = await this.transport.send(
      { operation: 'users.update', method: 'PATCH', path, body, policy: 'idempotent' },
      options,
    );
    const context = { operation: 'users.update', method: 'PATCH', path };
    expectStatus(res, [200], context);
    return userFromWire(parseResponse(UserWireSchema, res.body, context));
  }

  /**
   * Soft-deletes a user (terminal: the email can never be re-created). Deleting an already deleted user succeeds.
   *
   * @example
   * await client.users.delete({ userId });
   */
  async delete(params: UserIdParams, options?: RequestOptions): Promise<void> {
    this.warn('users.delete');
    const { userId } = parseInput(UserIdParamsSchema, params, 'users.delete');
    await this.deleteById(userId, 'users.delete', options);
  }

  private async deleteById(userId: string, operation: string, options?: RequestOptions): Promise<void> {
    const path = userPath(userId);
    const res = await this.transport.send({ operation, method: 'DELETE', path, policy: 'idempotent' }, options);
    expectStatus(res, [200, 204], { operation, method: 'DELETE', path });
  }

  /**
   * Sends the invitation mail again (the user must be INVITED). Not retried after failures that may have sent it.
   *
   * @example
   * await client.users.resendInvitation({ userId });
   */
  async resendInvitation(params: UserIdParams, options?: RequestOptions): Promise<void> {
    await this.mailAction('users.resendInvitation', 'resend-invitation', params, options);
  }

  /**
   * Mails a password-reset link (valid 30 minutes; verified password users only). Not retried after failures that
   * may have sent it.
   *
   * @example
   * await client.users.resetPassword({ userId });
   */
  async resetPassword(params: UserIdParams, options?: RequestOptions): Promise<void> {
    await this.mailAction('users.resetPassword', 'reset-password', params, options);
  }

  private async mailAction(operation: string, action: string, params: UserIdParams, options?: RequestOptions) {
    this.warn(operation);
    const { userId } = parseInput(UserIdParamsSchema, params, operation);
    const path = `${userPath(userId)}/${action}`;
    const res = await this.transport.send({ operation, method: 'POST', path, policy: 'side-effect' }, options);
    expectStatus(res, [200, 202, 204], { operation, method: 'POST', path });
  }

  /**
   * Deletes many users by id and/or exact email, `concurrency` at a time (default 8). Returns one result per distinct
   * target — `DELETED`, `NOT_FOUND` or `FAILED` with the error — and never throws for one target's failure.
   *
   * @example
   * const results = await client.users.bulkDelete({ emails: ['ada@example.com'], userIds: ['VXNlcjox'] });
   * for (const r of results) if (r.status === 'FAILED') console.error(r.userId, r.error);
   */
  async bulkDelete(params: BulkDeleteParams, options?: RequestOptions): Promise<BulkDeleteItemResult[]> {
    this.warn('users.bulkDelete');
    const p = parseInput(BulkDeleteParamsSchema, params, 'users.bulkDelete');
    return bulkDelete(
      { userIds: p.userIds ?? [], emails: p.emails ?? [], concurrency: p.concurrency ?? 8 },
      {
        findByEmail: (email) => this.findByEmail(email, 'users.bulkDelete', options),
        deleteById: (userId) => this.deleteById(userId, 'users.bulkDelete', options),
      },
    );
  }
}
