export { Applier, type ApplierUsersApi, EMAIL_DELETED_REASON } from './applier';
export { BulkDeleteCoalescer } from './bulk-delete';
export { IdentityResolver } from './identity';
