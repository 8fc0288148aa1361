import { groupValuesOf } from './group-values';
import type { PendingMembership, ProvisioningScope, ScimGroupStore } from './ports';

/** A {@link ProvisioningScope} that also says whether a group is one of the provisioning groups. */
export interface GroupProvisioningScope extends ProvisioningScope {
  isScopeGroup(values: readonly string[]): boolean;
}

/**
 * The provisioning scope of `SCIM_PROVISIONING_GROUPS`: a user is in it while a member of a group whose displayName
 * or externalId is one of `names` (compared trimmed, case-insensitively). A pending change (a membership or a group
 * about to be written) is taken into account, so that the scope can be settled before the memberships are written and
 * a request retried after a failure part-way evaluates the same change again.
 *
 * @example
 * const scope = createProvisioningScope(groupStore, ['Arize Users']);
 * await scope.isInScope(userId); // false until they join "Arize Users"
 */
export function createProvisioningScope(groups: ScimGroupStore, names: readonly string[]): GroupProvisioningScope {
  const wanted = new Set(names.map((name) => name.trim().toLowerCase()));
  const isScopeGroup = (values: readonly string[]) => values.some((value) => wanted.has(value.trim().toLowerCase()));
  return {
    isScopeGroup,
    async isInScope(userId: string, pending?: PendingMembership): Promise<boolean> {
      if (pending?.member === true && isScopeGroup(pending.groupValues)) return true;
      for (const groupId of await groups.groupsOf(userId)) {
        if (groupId === pending?.groupId) continue;
        const group = await groups.get(groupId);
        if (group && isScopeGroup(groupValuesOf(group))) return true;
      }
      return false;
    },
  };
}
