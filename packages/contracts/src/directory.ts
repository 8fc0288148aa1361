import type { PredefinedRole } from './command/schema';

/**
 * One person as a source of truth says: the directory (Okta, WorkOS, the SCIM store) or an export of the HR system.
 * `email` is the person's key, already validated and lower-cased as `EmailSchema` does; `active: false` is a person the
 * source still lists but deactivated (a leaver whose record stays).
 */
export interface DirectoryPerson {
  readonly email: string;
  readonly name?: string;
  readonly role?: PredefinedRole;
  readonly active: boolean;
  /** The source's stable id of the person, when it has one (Okta user id, WorkOS directory user id, SCIM id). */
  readonly sourceUserId?: string;
}

/**
 * A source of truth for `idp-sync reconcile`: everyone it knows, read once per snapshot. Each kind (a file, the SCIM
 * store, Okta, WorkOS) implements this in the package that knows the source; the reconcile package plans against it.
 *
 * @example
 * const source: DirectorySource = { name: 'file people.csv', async *people() { yield { email: 'a@example.com', active: true } } };
 */
export interface DirectorySource {
  /** What the source is, for output and logs (never a secret): `file people.csv`, `okta app 0oa1…`, `scim store`. */
  readonly name: string;
  /** Every person the source knows (active or not), each once. */
  people(): AsyncIterable<DirectoryPerson>;
}
