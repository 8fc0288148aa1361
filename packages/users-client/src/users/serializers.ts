import { inspect } from 'node:util';
import type { Role } from '../roles';
import type { CreateUserResponseWire, ListUsersResponseWire, RoleWire, UserWire } from './schemas';
import type { CreateUserResult, InviteMode, User, UserList, UserStatus } from './types';

/**
 * A role copied into a fresh object, both ways: wire and client shapes are the same; CUSTOM's read-only `name` is kept.
 */
function copyRole(role: Role | RoleWire): Role & RoleWire {
  return role.type === 'PREDEFINED'
    ? { type: 'PREDEFINED', name: role.name }
    : role.name === undefined
      ? { type: 'CUSTOM', id: role.id }
      : { type: 'CUSTOM', id: role.id, name: role.name };
}

/** The role as a create request carries it: CUSTOM's read-only `name` is not sent. */
export function roleToRequest(role: Role): RoleWire {
  return role.type === 'PREDEFINED' ? { type: 'PREDEFINED', name: role.name } : { type: 'CUSTOM', id: role.id };
}

class UserRecord implements User {
  static {
    // Logs and inspect show "User", the public name.
    Object.defineProperty(UserRecord, 'name', { value: 'User' });
  }

  readonly id: string;
  readonly name: string;
  readonly email: string;
  readonly createdAt: string;
  readonly status: UserStatus;
  readonly role: Role;
  readonly isDeveloper: boolean;

  constructor(wire: UserWire) {
    this.id = wire.id;
    this.name = wire.name;
    this.email = wire.email;
    this.createdAt = wire.created_at;
    this.status = wire.status;
    this.role = copyRole(wire.role);
    this.isDeveloper = wire.is_developer;
  }

  toJSON(): UserWire {
    return userToWire(this);
  }

  toDict(): UserWire {
    return userToWire(this);
  }
}

/**
 * A validated wire user as a client {@link User}.
 *
 * @example
 * userFromWire(UserWireSchema.parse(body)).createdAt
 */
export function userFromWire(wire: UserWire): User {
  return new UserRecord(wire);
}

/**
 * A client {@link User} back in the wire shape.
 *
 * @example
 * JSON.stringify(user) // {"id":"...","name":"...","email":"...","created_at":"...","status":"ACTIVE",...}
 */
export function userToWire(user: Omit<User, 'toJSON' | 'toDict'>): UserWire {
  return {
    id: user.id,
    name: user.name,
    email: user.email,
    created_at: user.createdAt,
    status: user.status,
    role: copyRole(user.role),
    is_developer: user.isDeveloper,
  };
}

class UserListRecord implements UserList {
  static {
    Object.defineProperty(UserListRecord, 'name', { value: 'UserList' });
  }

  readonly users: User[];
  readonly nextCursor?: string;
  readonly hasMore: boolean;

  constructor(wire: ListUsersResponseWire) {
    this.users = wire.users.map(userFromWire);
    if (wire.pagination.next_cursor != null) this.nextCursor = wire.pagination.next_cursor;
    this.hasMore = wire.pagination.has_more;
  }

  toJSON(): ListUsersResponseWire {
    return {
      users: this.users.map((u) => u.toJSON()),
      pagination:
        this.nextCursor === undefined
          ? { has_more: this.hasMore }
          : { next_cursor: this.nextCursor, has_more: this.hasMore },
    };
  }

  toDict(): ListUsersResponseWire {
    return this.toJSON();
  }
}

/**
 * A validated list response as a client {@link UserList}.
 *
 * @example
 * listFromWire(ListUsersResponseWireSchema.parse(body)).hasMore
 */
export function listFromWire(wire: ListUsersResponseWire): UserList {
  return new UserListRecord(wire);
}

/** How a {@link CreateUserResult} is built. */
export interface CreateResultInit {
  user: User;
  created: boolean;
  inviteMode?: InviteMode;
  temporaryPassword?: string;
  attempts: number;
  priorAttemptUncertain: boolean;
  resolvedConflict?: boolean;
}

const REDACTED = '[REDACTED]';

class CreateUserResultRecord implements CreateUserResult {
  readonly user: User;
  readonly created: boolean;
  readonly inviteMode?: InviteMode;
  readonly temporaryPassword?: string;
  readonly attempts: number;
  readonly priorAttemptUncertain: boolean;
  readonly resolvedConflict: boolean;

  constructor(init: CreateResultInit) {
    this.user = init.user;
    this.created = init.created;
    if (init.inviteMode !== undefined) this.inviteMode = init.inviteMode;
    if (init.temporaryPassword !== undefined) this.temporaryPassword = init.temporaryPassword;
    this.attempts = init.attempts;
    this.priorAttemptUncertain = init.priorAttemptUncertain;
    this.resolvedConflict = init.resolvedConflict ?? false;
  }

  /** The wire shape of what the server answered: `CreateUserResponse` for 201 (password included), `User` for 200. */
  toJSON(): CreateUserResponseWire | UserWire {
    const user = this.user.toJSON();
    if (this.inviteMode === undefined) return user;
    return this.temporaryPassword === undefined
      ? { ...user, invite_mode: this.inviteMode }
      : { ...user, invite_mode: this.inviteMode, temporary_password: this.temporaryPassword };
  }

  toDict(): CreateUserResponseWire | UserWire {
    return this.toJSON();
  }

  // console.log, util.inspect and string conversion never show the password.
  [inspect.custom](_depth: number, options: object, inspectFn: typeof inspect = inspect): string {
    const shown = {
      user: this.user,
      created: this.created,
      inviteMode: this.inviteMode,
      temporaryPassword: this.temporaryPassword === undefined ? undefined : REDACTED,
      attempts: this.attempts,
      priorAttemptUncertain: this.priorAttemptUncertain,
      resolvedConflict: this.resolvedConflict,
    };
    return `CreateUserResult ${inspectFn(shown, options)}`;
  }

  toString(): string {
    const password = this.temporaryPassword === undefined ? '' : `, temporaryPassword: ${REDACTED}`;
    return `CreateUserResult { userId: ${this.user.id}, created: ${this.created}${password} }`;
  }
}

/**
 * The result of a create call.
 *
 * @example
 * createResult({ user, created: true, inviteMode: 'EMAIL_LINK', attempts: 1, priorAttemptUncertain: false })
 */
export function createResult(init: CreateResultInit): CreateUserResult {
  return new CreateUserResultRecord(init);
}
