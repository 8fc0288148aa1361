import type { ScimGroupRecord } from './ports';

/**
 * What a group is known by outside this service — its name and, when the client sent one, its externalId (Entra's
 * object id): what the role policy and `SCIM_PROVISIONING_GROUPS` may name it by.
 *
 * @example
 * groupValuesOf({ displayName: 'Arize Admins', externalId: '6c6b54c2-…' }) // ['Arize Admins', '6c6b54c2-…']
 */
export function groupValuesOf(group: Pick<ScimGroupRecord, 'displayName' | 'externalId'>): string[] {
  return group.externalId === undefined ? [group.displayName] : [group.displayName, group.externalId];
}
