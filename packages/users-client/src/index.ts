/**
 * `@idp-sync/users-client`: a typed client for the Users API v2 (Arize AX), on undici and zod.
 *
 * @example
 * import { createUsersClient, roles, isRetryable } from '@idp-sync/users-client';
 * const client = createUsersClient();
 * const r = await client.users.create({ name: 'Ada', email: 'ada@example.com', role: roles.member(), inviteMode: 'EMAIL_LINK' });
 */

export { createUsersClient, type UsersClient } from './client';
export { DEFAULT_BASE_URL, DEFAULTS, type RetryOptions, type UsersClientOptions } from './config';
export {
  AbortedError,
  BadRequestError,
  ConfigurationError,
  ConflictError,
  ForbiddenError,
  InvalidResponseError,
  isRetryable,
  NetworkError,
  NotFoundError,
  RateLimitedError,
  type ResponseIssue,
  ServerError,
  TimeoutError,
  UnauthorizedError,
  UnexpectedStatusError,
  UnprocessableEntityError,
  UsersApiError,
  type UsersApiErrorInit,
  ValidationError,
} from './errors';
export type { UsersClientLogger } from './logger';
export {
  type CustomRole,
  PREDEFINED_ROLE_NAMES,
  type PredefinedRole,
  type PredefinedRoleName,
  type Role,
  roles,
} from './roles';
export { parseRetryAfter, type RequestOptions, type RetryEvent, type RetryPolicy } from './transport';
export {
  type CreateUserResponseWire,
  CreateUserResponseWireSchema,
  INVITE_MODES,
  type ListUsersResponseWire,
  ListUsersResponseWireSchema,
  type RoleWire,
  RoleWireSchema,
  USER_STATUSES,
  type UserWire,
  UserWireSchema,
} from './users/schemas';
export type {
  BulkDeleteItemResult,
  BulkDeleteParams,
  BulkDeleteStatus,
  CreateUserParams,
  CreateUserResult,
  GetUserParams,
  InviteMode,
  IterateUsersParams,
  ListUsersParams,
  UpdateUserParams,
  User,
  UserIdParams,
  UserList,
  UserStatus,
} from './users/types';
export type { UsersResource } from './users/users';
export { VERSION } from './version';
export { DISABLE_PRERELEASE_WARNING, resetPrereleaseWarnings } from './warnings';
