import { type DirectoryPerson, type DirectorySource, EmailSchema } from '@idp-sync/contracts';
import { deriveEmail, deriveName } from '../protocol/resource';
import type { ScimUserStore } from './ports';

/**
 * The SCIM store as a source of truth for `idp-sync reconcile --from scim`: what Entra or Okta says is assigned, active
 * or not. A user's key is the email it was provisioned under (`personEmail`), else the one its resource names now; a
 * user with neither (Entra sent no usable address) is left out, as provisioning leaves it out.
 *
 * @example
 * const source = scimDirectorySource(createDynamoDbScimUserStore({ client, tableName }));
 */
export function scimDirectorySource(store: Pick<ScimUserStore, 'scan'>): DirectorySource {
  return {
    name: 'scim store',
    async *people() {
      const people = new Map<string, DirectoryPerson>();
      for (const record of await store.scan()) {
        const parsed = EmailSchema.safeParse(record.personEmail ?? deriveEmail(record.resource));
        if (!parsed.success) continue;
        const email = parsed.data;
        // Two SCIM users under one address (a user deleted and created again): the active one speaks for the person.
        if (people.get(email)?.active === true && !record.active) continue;
        const name = deriveName(record.resource);
        people.set(email, {
          email,
          active: record.active,
          sourceUserId: record.id,
          ...(name === undefined ? {} : { name }),
        });
      }
      yield* people.values();
    },
  };
}
