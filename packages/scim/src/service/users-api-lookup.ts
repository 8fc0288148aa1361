import { createUsersClient } from '@idp-sync/users-client';
import { usersLookupFromClient } from './lookup';
import type { UsersLookup } from './ports';

/**
 * The Users API fallback over the real Users API client (`ARIZE_API_KEY`, `ARIZE_BASE_URL`). Its own module, behind
 * the `@idp-sync/scim/users-api` subpath, because the client brings undici (~525 KiB bundled): the SCIM route loads
 * it on the first lookup only, and the SCIM Lambda keeps it in a file of its own beside its bundle.
 *
 * @example
 * const lookup = createUsersApiLookup(1000); // the retries of one lookup stay within 1 s
 * await lookup.findByEmail('ada@example.com');
 */
export function createUsersApiLookup(budgetMs: number): UsersLookup {
  return usersLookupFromClient(createUsersClient(), budgetMs);
}
