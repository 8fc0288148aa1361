import { groupValuesOf } from './group-values';
import type { ProvisioningScope, ScimGroupStore } from './ports';

/** A {@link ProvisioningScope} that also says whether a group is one of the provisioning groups. */
export interface GroupProvisioningScope extends ProvisioningScope {
  isScopeGroup(values: readonly string[]): boolean;
}

/**
 * The provisioning scope of `SCIM_PROVISIONING_GROUPS`: a user is in it while a member of a group whose displayName
 * or externalId is one of `names` (compared trimmed, case-insensitively), as the memberships are stored — read after
 * a change is written, so that of two concurrent changes the one settled last sees both.
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
    async isInScope(userId: string): Promise<boolean> {
      for (const groupId of await groups.groupsOf(userId)) {
        const group = await groups.get(groupId);
        if (group && isScopeGroup(groupValuesOf(group))) return true;
      }
      return false;
    },
  };
}
