export { Applier, type ApplierOptions, type ApplierUsersApi, EMAIL_DELETED_REASON } from './applier';
export { BulkDeleteCoalescer } from './bulk-delete';
export { BulkDeleteItemError, CommandRejectedError } from './errors';
export {
  IdentityLinkChangedError,
  type IdentityOutcome,
  type IdentityResolution,
  IdentityResolver,
  type IdentityResolverOptions,
} from './identity';
export type { ApplyContext, ApplyResult, BulkDeleteTicket } from './types';
