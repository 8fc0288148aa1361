/** Schema and message URNs of SCIM 2.0 (RFC 7643 / RFC 7644). */
export const SCIM_URN = {
  user: 'urn:ietf:params:scim:schemas:core:2.0:User',
  group: 'urn:ietf:params:scim:schemas:core:2.0:Group',
  enterpriseUser: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User',
  listResponse: 'urn:ietf:params:scim:api:messages:2.0:ListResponse',
  patchOp: 'urn:ietf:params:scim:api:messages:2.0:PatchOp',
  searchRequest: 'urn:ietf:params:scim:api:messages:2.0:SearchRequest',
  error: 'urn:ietf:params:scim:api:messages:2.0:Error',
  serviceProviderConfig: 'urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig',
  resourceType: 'urn:ietf:params:scim:schemas:core:2.0:ResourceType',
  schema: 'urn:ietf:params:scim:schemas:core:2.0:Schema',
} as const;

/** What every answer carries (Entra expects exactly this media type). */
export const SCIM_CONTENT_TYPE = 'application/scim+json';

/** Filters longer or deeper than this are refused with 400 (a parser must not be made to recurse without bound). */
export const SCIM_MAX_FILTER_LENGTH = 4096;
export const SCIM_MAX_FILTER_DEPTH = 24;
