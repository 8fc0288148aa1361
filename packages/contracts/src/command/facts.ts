import * as z from 'zod/mini';

/**
 * What a source said about a person when it created them, for the role policy: group names or ids (Okta groups, WorkOS
 * directory groups, SCIM groups), role values (Entra app roles sent as SCIM `roles`, a WorkOS role slug, an HR `role`),
 * and named fields (an HR attribute such as `department`, a BambooHR field, a WorkOS custom attribute). Bounded: a
 * command carries at most 100 groups, 50 roles and 50 fields of at most 256 characters each.
 */
export const PersonFactsSchema = z.strictObject({
  groups: z.optional(z.array(z.string().check(z.minLength(1), z.maxLength(256))).check(z.maxLength(100))),
  roles: z.optional(z.array(z.string().check(z.minLength(1), z.maxLength(256))).check(z.maxLength(50))),
  fields: z.optional(
    z
      .array(
        z.strictObject({
          name: z.string().check(z.minLength(1), z.maxLength(128)),
          value: z.string().check(z.maxLength(256)),
        }),
      )
      .check(z.maxLength(50)),
  ),
});
export type PersonFacts = z.infer<typeof PersonFactsSchema>;
