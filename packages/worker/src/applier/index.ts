export { Applier, type ApplierUsersApi, EMAIL_DELETED_REASON } from './applier';
export { BulkDeleteCoalescer } from './bulk-delete';
export { CommandRejectedError } from './errors';
export { IdentityResolver } from './identity';
