import type { UsersApiError } from '../errors';
import type { Role } from '../roles';
import type { CreateUserResponseWire, INVITE_MODES, ListUsersResponseWire, USER_STATUSES, UserWire } from './schemas';

/**
 * `ACTIVE` (verified member), `INVITED` (pending invitation), `EXPIRED` (invitation lapsed).
 *
 * @example
 * client.users.list({ status: 'INVITED' satisfies UserStatus })
 */
export type UserStatus = (typeof USER_STATUSES)[number];
/**
 * `NONE` (SSO, active at once), `EMAIL_LINK` (verification mail), `TEMPORARY_PASSWORD` (password returned once).
 *
 * @example
 * const mode: InviteMode = 'EMAIL_LINK';
 */
export type InviteMode = (typeof INVITE_MODES)[number];

/**
 * A user of the account. Plain data; `toJSON()`/`toDict()` give the wire (snake_case) shape back.
 *
 * @example
 * const user = await client.users.get({ user: id }); JSON.stringify(user) // wire shape
 */
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

/**
 * One page of users.
 *
 * @example
 * const { users, hasMore, nextCursor } = await client.users.list();
 */
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
 *
 * @example
 * const { user, created, temporaryPassword } = await client.users.create(params);
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

/**
 * Parameters of `users.list`.
 *
 * @example
 * const params: ListUsersParams = { email: 'example.com', status: ['ACTIVE'], limit: 100 };
 */
export interface ListUsersParams {
  /** Case-insensitive substring filter on the email address (≤ 255 characters). */
  email?: string;
  /** One status or several; omitted means all three. Either case is accepted. */
  status?: UserStatus | UserStatus[];
  /** Page size 1..100; omitted leaves it to the server. */
  limit?: number;
  cursor?: string;
}

/**
 * Parameters of `users.iterate` (page size `limit` defaults to 100).
 *
 * @example
 * client.users.iterate({ status: 'EXPIRED' } satisfies IterateUsersParams)
 */
export type IterateUsersParams = Omit<ListUsersParams, 'cursor'>;

/**
 * Parameters of `users.get`: a user id, or (containing `@`) an email address.
 *
 * @example
 * client.users.get({ user: 'ada@example.com' })
 */
export interface GetUserParams {
  user: string;
}

/**
 * Parameters of `users.create`.
 *
 * @example
 * const p: CreateUserParams = { name: 'Ada', email: 'ada@example.com', role: roles.member(), inviteMode: 'NONE' };
 */
export interface CreateUserParams {
  name: string;
  email: string;
  role: Role;
  inviteMode: InviteMode;
  /** Omitted: the server decides (true for ADMIN and MEMBER, false for ANNOTATOR). */
  isDeveloper?: boolean;
}

/**
 * Parameters of `users.update`: at least one of `name`, `isDeveloper`.
 *
 * @example
 * client.users.update({ userId, isDeveloper: false })
 */
export interface UpdateUserParams {
  userId: string;
  name?: string;
  isDeveloper?: boolean;
}

/**
 * Parameters of `users.delete`, `users.resendInvitation`, `users.resetPassword`.
 *
 * @example
 * client.users.resetPassword({ userId })
 */
export interface UserIdParams {
  userId: string;
}

/**
 * Parameters of `users.bulkDelete`: at least one id or email.
 *
 * @example
 * client.users.bulkDelete({ emails: ['a@example.com', 'b@example.com'], concurrency: 4 })
 */
export interface BulkDeleteParams {
  userIds?: string[];
  emails?: string[];
  /** Requests in flight at once, 1..64. Default 8. */
  concurrency?: number;
}

/**
 * What happened to one target of a bulk delete.
 *
 * @example
 * results.filter((r) => r.status === ('FAILED' satisfies BulkDeleteStatus))
 */
export type BulkDeleteStatus = 'DELETED' | 'NOT_FOUND' | 'FAILED';

/**
 * One target of a bulk delete: the id, the email it was found by (if any), the outcome and, if not deleted, why.
 *
 * @example
 * for (const r of await client.users.bulkDelete({ userIds })) console.log(r.userId, r.status, r.error);
 */
export interface BulkDeleteItemResult {
  userId?: string;
  email?: string;
  status: BulkDeleteStatus;
  error?: string;
  cause?: UsersApiError;
}
