import { SCIM_URN } from './constants';
import type { JsonObject, JsonValue } from './json';
import { type AttributeDefinition, ENTERPRISE_USER_ATTRIBUTES, GROUP_ATTRIBUTES, USER_ATTRIBUTES } from './schema';

/**
 * `GET /ServiceProviderConfig` (RFC 7643 §5): PATCH and filters are supported; bulk, sort, etag and password changes
 * are not; authentication is the bearer token configured in Entra.
 *
 * @example
 * serviceProviderConfig('/scim/v2', 200);
 */
export function serviceProviderConfig(baseLocation: string, maxResults: number): JsonObject {
  return {
    schemas: [SCIM_URN.serviceProviderConfig],
    documentationUri:
      'https://learn.microsoft.com/entra/identity/app-provisioning/use-scim-to-provision-users-and-groups',
    patch: { supported: true },
    bulk: { supported: false, maxOperations: 0, maxPayloadSize: 0 },
    filter: { supported: true, maxResults },
    changePassword: { supported: false },
    sort: { supported: false },
    etag: { supported: false },
    authenticationSchemes: [
      {
        type: 'oauthbearertoken',
        name: 'OAuth Bearer Token',
        description: 'Authentication with the long-lived bearer token entered in Entra as the Secret Token.',
        specUri: 'https://www.rfc-editor.org/rfc/rfc6750',
        primary: true,
      },
    ],
    meta: {
      resourceType: 'ServiceProviderConfig',
      location: `${baseLocation}/ServiceProviderConfig`,
    },
  };
}

/** The User resource type. */
export function userResourceType(baseLocation: string): JsonObject {
  return {
    schemas: [SCIM_URN.resourceType],
    id: 'User',
    name: 'User',
    endpoint: '/Users',
    description: 'User Account',
    schema: SCIM_URN.user,
    schemaExtensions: [{ schema: SCIM_URN.enterpriseUser, required: false }],
    meta: { resourceType: 'ResourceType', location: `${baseLocation}/ResourceTypes/User` },
  };
}

/** The Group resource type (issue #18: Okta push groups, Entra group provisioning). */
export function groupResourceType(baseLocation: string): JsonObject {
  return {
    schemas: [SCIM_URN.resourceType],
    id: 'Group',
    name: 'Group',
    endpoint: '/Groups',
    description: 'Group',
    schema: SCIM_URN.group,
    meta: { resourceType: 'ResourceType', location: `${baseLocation}/ResourceTypes/Group` },
  };
}

function definitionJson(definition: AttributeDefinition): JsonObject {
  const out: JsonObject = {
    name: definition.name,
    type: definition.type,
    multiValued: definition.multiValued,
    description: definition.description,
    required: definition.required,
    caseExact: definition.caseExact,
    mutability: definition.mutability,
    returned: definition.returned,
    uniqueness: definition.uniqueness,
  };
  if (definition.canonicalValues && definition.canonicalValues.length > 0) {
    out.canonicalValues = [...definition.canonicalValues];
  }
  if (definition.referenceTypes) out.referenceTypes = [...definition.referenceTypes];
  if (definition.subAttributes) out.subAttributes = definition.subAttributes.map(definitionJson) as JsonValue[];
  return out;
}

/** The User core schema, the Enterprise User extension and the Group schema, as `GET /Schemas` lists them (RFC 7643 §7). */
export function schemaDocuments(baseLocation: string): JsonObject[] {
  return [
    {
      schemas: [SCIM_URN.schema],
      id: SCIM_URN.user,
      name: 'User',
      description: 'User Account',
      attributes: USER_ATTRIBUTES.map(definitionJson),
      meta: { resourceType: 'Schema', location: `${baseLocation}/Schemas/${SCIM_URN.user}` },
    },
    {
      schemas: [SCIM_URN.schema],
      id: SCIM_URN.enterpriseUser,
      name: 'EnterpriseUser',
      description: 'Enterprise User',
      attributes: ENTERPRISE_USER_ATTRIBUTES.map(definitionJson),
      meta: { resourceType: 'Schema', location: `${baseLocation}/Schemas/${SCIM_URN.enterpriseUser}` },
    },
    {
      schemas: [SCIM_URN.schema],
      id: SCIM_URN.group,
      name: 'Group',
      description: 'Group',
      attributes: GROUP_ATTRIBUTES.map(definitionJson),
      meta: { resourceType: 'Schema', location: `${baseLocation}/Schemas/${SCIM_URN.group}` },
    },
  ];
}
