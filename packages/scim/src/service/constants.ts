/* The service's constants: where it lives, its size limits, its metric names. The protocol's are in protocol/. */

/** Where the service lives below the API's base URL; Entra's "Tenant URL" is `<base>/scim/v2`. */
export const SCIM_BASE_PATH = '/scim/v2';

/** Requests larger than this are refused with 413 before they are parsed. */
export const SCIM_MAX_BODY_BYTES = 1024 * 1024;

/**
 * A stored SCIM resource must fit in one DynamoDB item (400 KB) next to its bookkeeping; bigger ones are refused with 413.
 * Entra's users are a few kilobytes.
 */
export const SCIM_MAX_RESOURCE_BYTES = 300 * 1024;

/** Metric names the SCIM service emits (all `Count`). */
export const SCIM_METRICS = {
  request: 'ScimRequest',
  clientError: 'ScimClientError',
  unavailable: 'ScimUnavailable',
  authFailed: 'ScimAuthFailed',
  commandQueued: 'ScimCommandQueued',
  queueFailed: 'ScimQueueFailed',
  rollbackFailed: 'ScimRollbackFailed',
  outboxDelivered: 'ScimOutboxDelivered',
  emailChangeUnsupported: 'ScimEmailChangeUnsupported',
  userWithoutEmail: 'ScimUserWithoutEmail',
  deleteSkippedSharedEmail: 'ScimDeleteSkippedSharedEmail',
  usersLookupFailed: 'ScimUsersLookupFailed',
  userAdopted: 'ScimUserAdopted',
  groupMembershipChanged: 'ScimGroupMembershipChanged',
  personGroupsFull: 'ScimPersonGroupsFull',
  roleChangeUnsupported: 'ScimRoleChangeUnsupported',
} as const;
