/**
 * Schema and message URNs of SCIM 2.0 (RFC 7643 / RFC 7644).
 *
 * @example
 * body.schemas.includes(SCIM_URN.patchOp)
 */
export const SCIM_URN = {
  user: 'urn:ietf:params:scim:schemas:core:2.0:User',
  enterpriseUser: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User',
  listResponse: 'urn:ietf:params:scim:api:messages:2.0:ListResponse',
  patchOp: 'urn:ietf:params:scim:api:messages:2.0:PatchOp',
  searchRequest: 'urn:ietf:params:scim:api:messages:2.0:SearchRequest',
  error: 'urn:ietf:params:scim:api:messages:2.0:Error',
  serviceProviderConfig: 'urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig',
  resourceType: 'urn:ietf:params:scim:schemas:core:2.0:ResourceType',
  schema: 'urn:ietf:params:scim:schemas:core:2.0:Schema',
} as const;

/**
 * What every answer carries (Entra expects exactly this media type).
 *
 * @example
 * headers['content-type'] = SCIM_CONTENT_TYPE;
 */
export const SCIM_CONTENT_TYPE = 'application/scim+json';

/**
 * Where the service lives below the API's base URL; Entra's "Tenant URL" is `<base>/scim/v2`.
 *
 * @example
 * `${SCIM_BASE_PATH}/*` // the ingest route pattern
 */
export const SCIM_BASE_PATH = '/scim/v2';

/**
 * Requests larger than this are refused with 413 before they are parsed.
 *
 * @example
 * if (request.rawBody.length > SCIM_MAX_BODY_BYTES) throw new ScimPayloadTooLargeError('…');
 */
export const SCIM_MAX_BODY_BYTES = 1024 * 1024;

/**
 * A stored SCIM resource must fit in one DynamoDB item (400 KB) next to its bookkeeping; bigger ones are refused with 413.
 * Entra's users are a few kilobytes.
 */
export const SCIM_MAX_RESOURCE_BYTES = 300 * 1024;

/** Filters longer or deeper than this are refused with 400 (a parser must not be made to recurse without bound). */
export const SCIM_MAX_FILTER_LENGTH = 4096;
export const SCIM_MAX_FILTER_DEPTH = 24;

/**
 * Metric names the SCIM service emits (all `Count`).
 *
 * @example
 * metrics.count(SCIM_METRICS.emailChangeUnsupported, {});
 */
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
} as const;
