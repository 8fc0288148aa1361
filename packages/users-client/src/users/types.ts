import type { UsersApiError } from '../errors';
import type { Role } from '../roles';
import type { CreateUserResponseWire, INVITE_MODES, ListUsersResponseWire, USER_STATUSES, UserWire } from './schemas';

/** `ACTIVE` (verified member), `INVITED` (pending invitation), `EXPIRED` (invitation lapsed). */
export type UserStatus = (typeof USER_STATUSES)[number];
/** `NONE` (SSO, active at once), `EMAIL_LINK` (verification mail), `TEMPORARY_PASSWORD` (password returned once). */
export type InviteMode = (typeof INVITE_MODES)[number];

/** A user of the account. Plain data; `toJSON()`/`toDict()` give the wire (snake_case) shape back. */
export interface User {
  readonly id: string;
  readonly name: string;
  readonly email: string;
  /** RFC 3339 timestamp. */
  readonly createdAt: string;
  readonly status: UserStatus;
  readonly role: Role;
  readonly isDeveloper: boolean;
  toJSON(): UserWire;
  toDict(): UserWire;
}

/** One page of users. */
export interface UserList {
  readonly users: User[];
  /** Pass as `cursor` to get the next page; absent on the last page. */
  readonly nextCursor?: string;
  readonly hasMore: boolean;
  toJSON(): ListUsersResponseWire;
  toDict(): ListUsersResponseWire;
}

/**
 * The outcome of `users.create`. `created` is true only when the server answered 201 to this call; 200 ("existing
 * pending invitation, not resent") gives false, as does a NONE-mode 409 reconciled after an uncertain retry.
 * `temporaryPassword` is a secret: `toJSON()` keeps it for the caller, `util.inspect`/`toString()` redact it.
 */
export interface CreateUserResult {
  readonly user: User;
  readonly created: boolean;
  /** Set on 201 only (a 200 body has no invite mode). */
  readonly inviteMode?: InviteMode;
  /** Set on 201 with TEMPORARY_PASSWORD only. Lost when the 201 itself was lost and a retry answered 200. */
  readonly temporaryPassword?: string;
  /** HTTP attempts this call took. */
  readonly attempts: number;
  /**
   * An earlier attempt failed in a way the server may have applied (timeout, 5xx, dropped connection): with
   * `created: false` the user may well have been created by this very call, and a TEMPORARY_PASSWORD is then lost.
   */
  readonly priorAttemptUncertain: boolean;
  /** True when a NONE-mode create got 409 after an uncertain attempt and the client found the user by email instead. */
  readonly resolvedConflict: boolean;
  toJSON(): CreateUserResponseWire | UserWire;
  toDict(): CreateUserResponseWire | UserWire;
}

/** Parameters of `users.list`. */
export interface ListUsersParams {
  /** Case-insensitive substring filter on the email address (≤ 255 characters). */
  email?: string;
  /** One status or several; omitted means all three. Either case is accepted. */
  status?: UserStatus | UserStatus[];
  /** Page size 1..100; omitted leaves it to the server. */
  limit?: number;
  cursor?: string;
}

/** Parameters of `users.iterate` (page size `limit` defaults to 100). */
export type IterateUsersParams = Omit<ListUsersParams, 'cursor'>;

/** Parameters of `users.get`: a user id, or (containing `@`) an email address. */
export interface GetUserParams {
  user: string;
}

/** Parameters of `users.create`. */
export interface CreateUserParams {
  name: string;
  email: string;
  role: Role;
  inviteMode: InviteMode;
  /** Omitted: the server decides (true for ADMIN and MEMBER, false for ANNOTATOR). */
  isDeveloper?: boolean;
}

/** Parameters of `users.update`: at least one of `name`, `isDeveloper`. */
export interface UpdateUserParams {
  userId: string;
  name?: string;
  isDeveloper?: boolean;
}

/** Parameters of `users.delete`, `users.resendInvitation`, `users.resetPassword`. */
export interface UserIdParams {
  userId: string;
}

/** Parameters of `users.bulkDelete`: at least one id or email. */
export interface BulkDeleteParams {
  userIds?: string[];
  emails?: string[];
  /** Requests in flight at once, 1..64. Default 8. */
  concurrency?: number;
}

/** What happened to one target of a bulk delete. */
export type BulkDeleteStatus = 'DELETED' | 'NOT_FOUND' | 'FAILED';

/** One target of a bulk delete: the id, the email it was found by (if any), the outcome and, if not deleted, why. */
export interface BulkDeleteItemResult {
  userId?: string;
  email?: string;
  status: BulkDeleteStatus;
  error?: string;
  cause?: UsersApiError;
}
