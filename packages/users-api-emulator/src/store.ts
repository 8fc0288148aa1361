import { randomBytes } from 'node:crypto';
import type { Caller } from './auth';
import { BadRequestProblem, ConflictProblem, NotFoundProblem, UnprocessableEntityProblem } from './errors';
import { encodeGlobalId } from './ids';
import type { CreateUserRequest, UpdateUserRequest } from './schemas';
import type {
  CustomRoleDefinition,
  RoleAssignment,
  SeedUser,
  UserRecord,
  UserStatus,
  WireCreatedUser,
  WireUser,
} from './types';

export interface UserStoreOptions {
  now: () => number;
  /** INVITED lapses to EXPIRED this long after the invitation was issued; undefined → never by time. */
  invitationTtlMs?: number;
  /** SAML/IdP login enforced: invitations cannot be resent. */
  ssoEnforced: boolean;
  /** The API-key half of the delete cascade: revoke the keys the user owns, return their names. */
  revokeKeysOwnedBy: (email: string) => string[];
}

export interface ListQuery {
  /** Case-insensitive substring; '' matches everyone. */
  email: string;
  statuses: ReadonlySet<UserStatus>;
  limit: number;
  /** Serve users strictly after this sort key. */
  after?: { createdAtMs: number; seq: number };
}

export interface ListResult {
  /** Already in wire shape: the list is the hot path, so records are not copied twice. */
  users: WireUser[];
  hasMore: boolean;
  /** Sort key of the last user served (for the next cursor). */
  last?: { createdAtMs: number; seq: number };
}

export interface CreateResult {
  user: UserRecord;
  created: boolean;
  temporaryPassword?: string;
}

/** The record plus what the store needs internally and never shows. */
interface StoredUser extends UserRecord {
  createdAtMs: number;
  emailKey: string;
}

/** The account's one organization and one space: every user joins both (and leaves both on delete). */
const DEFAULT_ORGANIZATION = encodeGlobalId('Organization', 1);
const DEFAULT_SPACE = encodeGlobalId('Space', 1);

const developerByDefault = (role: RoleAssignment): boolean =>
  role.type === 'PREDEFINED' && (role.name === 'ADMIN' || role.name === 'MEMBER');

const compareKey = (a: { createdAtMs: number; seq: number }, b: { createdAtMs: number; seq: number }): number =>
  a.createdAtMs - b.createdAtMs || a.seq - b.seq;

/**
 * The users of one account, in memory, with every state transition the Users API defines. Methods throw
 * `HttpProblem`s (404, 409, 400, 422) exactly where the API answers with them; permission checks are the caller's.
 *
 * Ids are never reused, not even across `clear()`: a stale id can never name a different user.
 *
 * @example
 * const store = new UserStore({ now: Date.now, ssoEnforced: false, revokeKeysOwnedBy: () => [] });
 * const { user } = store.create({ name: 'Ada', email: 'ada@example.com', role: { type: 'PREDEFINED', name: 'MEMBER' }, invite_mode: 'NONE' });
 */
export class UserStore {
  readonly #options: UserStoreOptions;
  readonly #bySeq = new Map<number, StoredUser>();
  readonly #byEmail = new Map<string, StoredUser>();
  /** Every user ever created (deleted ones too), ordered by (created_at, seq): the list order. */
  #ordered: StoredUser[] = [];
  #nextSeq = 1;
  #nextBinding = 1;
  /** The account's custom roles: id → read-only name. */
  #customRoles = new Map<string, string>();

  constructor(options: UserStoreOptions) {
    this.#options = options;
  }

  /** Replaces the account's custom roles. */
  setCustomRoles(roles: readonly CustomRoleDefinition[]): void {
    this.#customRoles = new Map(roles.map((r) => [r.id, r.name]));
  }

  /** The account's custom roles, in registration order. */
  customRoles(): CustomRoleDefinition[] {
    return [...this.#customRoles].map(([id, name]) => ({ id, name }));
  }

  /** Number of users that are not deleted. */
  get size(): number {
    let n = 0;
    for (const user of this.#bySeq.values()) if (user.status !== 'DELETED') n += 1;
    return n;
  }

  /** One page, oldest first. */
  list(query: ListQuery): ListResult {
    const needle = query.email.toLowerCase();
    const start = query.after ? this.#firstAfter(query.after) : 0;
    const users: StoredUser[] = [];
    let hasMore = false;
    for (let i = start; i < this.#ordered.length; i += 1) {
      const user = this.#refresh(this.#ordered[i]!);
      if (user.status === 'DELETED' || !query.statuses.has(user.status)) continue;
      if (needle && !user.emailKey.includes(needle)) continue;
      if (users.length === query.limit) {
        hasMore = true;
        break;
      }
      users.push(user);
    }
    const lastUser = users.at(-1);
    return {
      users: users.map(toWireUser),
      hasMore,
      ...(lastUser ? { last: { createdAtMs: lastUser.createdAtMs, seq: lastUser.seq } } : {}),
    };
  }

  /** A user that is not deleted, or 404. */
  get(seq: number): UserRecord {
    return copy(this.#live(seq));
  }

  /** The record for a sequence number whatever its state (deleted included), or undefined. */
  record(seq: number): UserRecord | undefined {
    const user = this.#bySeq.get(seq);
    return user ? copy(this.#refresh(user)) : undefined;
  }

  /** The record for an email whatever its state (deleted included), or undefined. */
  findByEmail(email: string): UserRecord | undefined {
    const user = this.#byEmail.get(email.toLowerCase());
    return user ? copy(this.#refresh(user)) : undefined;
  }

  /** Every record, deleted ones included, in list order. */
  snapshot(): UserRecord[] {
    return this.#ordered.map((u) => copy(this.#refresh(u)));
  }

  /**
   * `POST /v2/users`, with the idempotency table: none → 201; INVITED → 200 (not resent); ACTIVE → 409;
   * EXPIRED → 201 (re-invited, same id); deleted → 409. With invite_mode NONE an INVITED email is a 409.
   */
  create(request: CreateUserRequest): CreateResult {
    let role: RoleAssignment;
    if (request.role.type === 'CUSTOM') {
      // A custom role is assigned by id; its name is the account's (read-only). An id the account does not have is a
      // request the API understands and refuses: 422, not 404 (the URL names no role).
      const name = this.#customRoles.get(request.role.id);
      if (name === undefined) {
        throw new UnprocessableEntityProblem(
          `role: the account has no custom role with id '${request.role.id}'; create it in the account's RBAC settings, or assign a PREDEFINED role (ADMIN, MEMBER or ANNOTATOR)`,
        );
      }
      role = { type: 'CUSTOM', id: request.role.id, name };
    } else role = { type: 'PREDEFINED', name: request.role.name };
    const existing = this.#byEmail.get(request.email.toLowerCase());
    if (existing) {
      const user = this.#refresh(existing);
      switch (user.status) {
        case 'DELETED':
          throw new ConflictProblem('a user with this email was deleted; a deleted user cannot be re-created');
        case 'ACTIVE':
          throw new ConflictProblem('this email belongs to an active member of the account');
        case 'INVITED':
          if (request.invite_mode === 'NONE') {
            throw new ConflictProblem(
              'this email has a pending invitation; it cannot be added directly (invite_mode NONE) until it expires',
            );
          }
          // Idempotent: the existing invitation as it is, not resent.
          return { user: copy(user), created: false };
        case 'EXPIRED':
          return this.#invite(user, request, role);
      }
    }
    const now = this.#options.now();
    const user: StoredUser = {
      seq: this.#nextSeq,
      id: encodeGlobalId('User', this.#nextSeq),
      name: request.name,
      email: request.email,
      emailKey: request.email.toLowerCase(),
      createdAt: new Date(now).toISOString(),
      createdAtMs: now,
      status: 'INVITED',
      role,
      isDeveloper: false,
      verified: false,
      login: 'password',
      inviteMode: request.invite_mode,
      invitationsSent: 0,
      passwordResetsSent: 0,
      organizationMemberships: [DEFAULT_ORGANIZATION],
      spaceMemberships: [DEFAULT_SPACE],
      roleBindings: [this.#newBinding()],
    };
    this.#nextSeq += 1;
    this.#insert(user);
    return this.#invite(user, request, role);
  }

  /** `PATCH /v2/users/{id}`: name and/or is_developer (permissions already checked). */
  update(seq: number, patch: UpdateUserRequest): UserRecord {
    const user = this.#live(seq);
    if (patch.name !== undefined) user.name = patch.name;
    if (patch.is_developer !== undefined) user.isDeveloper = patch.is_developer;
    return copy(user);
  }

  /**
   * `DELETE /v2/users/{id}`: soft delete, terminal, cascading. An already-deleted user → no change (the API says 204).
   *
   * @throws NotFoundProblem for an unknown id; BadRequestProblem when the key's owner deletes itself.
   */
  delete(seq: number, caller: Caller): UserRecord {
    const user = this.#bySeq.get(seq);
    if (!user) throw new NotFoundProblem(`user '${encodeGlobalId('User', seq)}' not found`);
    if (user.status === 'DELETED') return copy(user);
    if (caller.ownerEmail !== undefined && caller.ownerEmail === user.emailKey) {
      throw new BadRequestProblem('a caller cannot delete itself');
    }
    this.#softDelete(user, caller.keyName);
    return copy(user);
  }

  /** `POST /v2/users/{id}/resend-invitation`: INVITED (or EXPIRED: a fresh invitation) only. */
  resendInvitation(seq: number): UserRecord {
    const user = this.#live(seq);
    if (this.#options.ssoEnforced) {
      throw new BadRequestProblem('SAML/IdP login is enforced for this account; invitations cannot be resent');
    }
    if (user.status === 'ACTIVE') {
      throw new BadRequestProblem('the user has already verified their account; there is no invitation to resend');
    }
    // INVITED: a new token and email. EXPIRED: the same, which makes the invitation valid again.
    user.status = 'INVITED';
    user.invitationsSent += 1;
    this.#startInvitationClock(user);
    return copy(user);
  }

  /** `POST /v2/users/{id}/reset-password`: verified password users only. */
  resetPassword(seq: number): UserRecord {
    const user = this.#live(seq);
    if (user.login === 'sso') {
      throw new BadRequestProblem('the user signs in via SSO/SAML; there is no password to reset');
    }
    if (!user.verified) {
      throw new BadRequestProblem('the user has not verified their account yet; there is no password to reset');
    }
    user.passwordResetsSent += 1;
    return copy(user);
  }

  /** Emulator control: the invitee accepts (INVITED → ACTIVE, verified, password login). */
  acceptInvitation(seq: number): UserRecord {
    const user = this.#live(seq);
    if (user.status !== 'INVITED') {
      throw new ConflictProblem(`only an INVITED user can accept an invitation; this user is ${user.status}`);
    }
    user.status = 'ACTIVE';
    user.verified = true;
    user.login = 'password';
    delete user.inviteExpiresAt;
    return copy(user);
  }

  /** Emulator control: the invitation lapses now (INVITED → EXPIRED). */
  expireInvitation(seq: number): UserRecord {
    const user = this.#live(seq);
    if (user.status !== 'INVITED') {
      throw new ConflictProblem(`only an INVITED user's invitation can expire; this user is ${user.status}`);
    }
    user.status = 'EXPIRED';
    delete user.inviteExpiresAt;
    return copy(user);
  }

  /**
   * Places users directly, in any state. All or nothing: any email already present (deleted ones too) or repeated
   * in the batch is a 409 and nothing is added.
   */
  seed(users: readonly SeedUser[]): UserRecord[] {
    const seen = new Set<string>();
    for (const [index, u] of users.entries()) {
      const key = u.email.toLowerCase();
      if (this.#byEmail.has(key) || seen.has(key)) {
        throw new ConflictProblem(`users[${index}]: a user with this email already exists`);
      }
      seen.add(key);
    }
    return users.map((u) => {
      const now = this.#options.now();
      const createdAtMs = u.createdAt ? Date.parse(u.createdAt) : now;
      const status = u.status ?? 'ACTIVE';
      const role: RoleAssignment = u.role ?? { type: 'PREDEFINED', name: 'MEMBER' };
      const login = u.login ?? 'password';
      const user: StoredUser = {
        seq: this.#nextSeq,
        id: encodeGlobalId('User', this.#nextSeq),
        name: u.name.trim(),
        email: u.email,
        emailKey: u.email.toLowerCase(),
        createdAt: new Date(createdAtMs).toISOString(),
        createdAtMs,
        status,
        role,
        isDeveloper: u.isDeveloper ?? developerByDefault(role),
        verified: status === 'ACTIVE' || status === 'DELETED',
        login,
        inviteMode: status === 'ACTIVE' && login === 'sso' ? 'NONE' : 'EMAIL_LINK',
        invitationsSent: status === 'ACTIVE' && login === 'sso' ? 0 : 1,
        passwordResetsSent: 0,
        organizationMemberships: [DEFAULT_ORGANIZATION],
        spaceMemberships: [DEFAULT_SPACE],
        roleBindings: [this.#newBinding()],
      };
      this.#nextSeq += 1;
      if (status === 'INVITED') this.#startInvitationClock(user);
      if (status === 'DELETED') {
        user.status = 'ACTIVE';
        this.#softDelete(user, 'seed');
      }
      this.#insert(user);
      return copy(user);
    });
  }

  /** Forgets every user. The id sequence continues. */
  clear(): void {
    this.#bySeq.clear();
    this.#byEmail.clear();
    this.#ordered = [];
  }

  #invite(user: StoredUser, request: CreateUserRequest, role: RoleAssignment): CreateResult {
    user.name = request.name;
    user.role = role;
    user.isDeveloper = request.is_developer ?? developerByDefault(role);
    user.inviteMode = request.invite_mode;
    if (request.invite_mode === 'NONE') {
      // Pre-provisioned SSO user: active at once, verified by the identity provider, no invitation.
      user.status = 'ACTIVE';
      user.verified = true;
      user.login = 'sso';
      delete user.inviteExpiresAt;
      return { user: copy(user), created: true };
    }
    user.status = 'INVITED';
    user.verified = false;
    user.login = 'password';
    user.invitationsSent += 1;
    this.#startInvitationClock(user);
    if (request.invite_mode === 'TEMPORARY_PASSWORD') {
      // Returned once, never stored: the emulator keeps no secret it does not need.
      return { user: copy(user), created: true, temporaryPassword: temporaryPassword() };
    }
    return { user: copy(user), created: true };
  }

  #softDelete(user: StoredUser, by: string): void {
    user.cascade = {
      organizationMemberships: user.organizationMemberships,
      spaceMemberships: user.spaceMemberships,
      apiKeys: this.#options.revokeKeysOwnedBy(user.emailKey),
      roleBindings: user.roleBindings,
    };
    user.organizationMemberships = [];
    user.spaceMemberships = [];
    user.roleBindings = [];
    user.status = 'DELETED';
    user.deletedAt = new Date(this.#options.now()).toISOString();
    user.deletedBy = by;
    delete user.inviteExpiresAt;
  }

  #live(seq: number): StoredUser {
    const user = this.#bySeq.get(seq);
    if (!user || user.status === 'DELETED')
      throw new NotFoundProblem(`user '${encodeGlobalId('User', seq)}' not found`);
    return this.#refresh(user);
  }

  /** Lapses an invitation whose time is up. */
  #refresh(user: StoredUser): StoredUser {
    if (
      user.status === 'INVITED' &&
      user.inviteExpiresAt !== undefined &&
      user.inviteExpiresAt <= this.#options.now()
    ) {
      user.status = 'EXPIRED';
      delete user.inviteExpiresAt;
    }
    return user;
  }

  #startInvitationClock(user: StoredUser): void {
    if (this.#options.invitationTtlMs === undefined) delete user.inviteExpiresAt;
    else user.inviteExpiresAt = this.#options.now() + this.#options.invitationTtlMs;
  }

  #newBinding(): string {
    const id = encodeGlobalId('RoleBinding', this.#nextBinding);
    this.#nextBinding += 1;
    return id;
  }

  #insert(user: StoredUser): void {
    this.#bySeq.set(user.seq, user);
    this.#byEmail.set(user.emailKey, user);
    // Usually appended (created now); seeded users with an older created_at are placed in order.
    const last = this.#ordered.at(-1);
    if (!last || compareKey(last, user) < 0) {
      this.#ordered.push(user);
      return;
    }
    this.#ordered.splice(this.#firstAfter(user), 0, user);
  }

  /** Index of the first user whose sort key is greater than `key`. */
  #firstAfter(key: { createdAtMs: number; seq: number }): number {
    let lo = 0;
    let hi = this.#ordered.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compareKey(this.#ordered[mid]!, key) <= 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

/**
 * The wire `User` of a record that is not deleted.
 *
 * @example
 * toWireUser(store.get(1)); // { id, name, email, created_at, status, role, is_developer }
 */
export function toWireUser(user: UserRecord): WireUser {
  return {
    id: user.id,
    name: user.name,
    email: user.email,
    created_at: user.createdAt,
    status: user.status as UserStatus,
    role: { ...user.role },
    is_developer: user.isDeveloper,
  };
}

/**
 * The wire `CreateUserResponse` (201 body): the user, its invite mode, and the temporary password once.
 *
 * @example
 * toWireCreatedUser(result.user, result.temporaryPassword);
 */
export function toWireCreatedUser(user: UserRecord, temporaryPassword?: string): WireCreatedUser {
  return {
    ...toWireUser(user),
    invite_mode: user.inviteMode,
    ...(temporaryPassword !== undefined ? { temporary_password: temporaryPassword } : {}),
  };
}

/** A strong one-time password: 16 random characters plus one of each class most password policies demand. */
function temporaryPassword(): string {
  return `${randomBytes(12).toString('base64url')}aZ9!`;
}

/** A detached copy without the store's internal fields. */
function copy(user: StoredUser): UserRecord {
  const { createdAtMs: _ms, emailKey: _key, cascade, ...record } = user;
  return {
    ...record,
    role: { ...record.role },
    organizationMemberships: [...record.organizationMemberships],
    spaceMemberships: [...record.spaceMemberships],
    roleBindings: [...record.roleBindings],
    ...(cascade
      ? {
          cascade: {
            organizationMemberships: [...cascade.organizationMemberships],
            spaceMemberships: [...cascade.spaceMemberships],
            apiKeys: [...cascade.apiKeys],
            roleBindings: [...cascade.roleBindings],
          },
        }
      : {}),
  };
}
