import type { UsersClient } from '@idp-sync/users-client';
import type { ApiUserView } from '../plan/planner';

/** The page size reconcile reads the Users API with (its maximum). */
export const USERS_API_PAGE_SIZE = 100;

/**
 * Every user of the Users API (it never lists deleted ones), read with the client's iterator, 100 a page: at most
 * ⌈users / 100⌉ list calls (plus the retries the client's policy makes).
 *
 * @example
 * const users = await readUsersApi(client.users);
 */
export async function readUsersApi(users: Pick<UsersClient['users'], 'iterate'>): Promise<ApiUserView[]> {
  const found: ApiUserView[] = [];
  for await (const user of users.iterate({ limit: USERS_API_PAGE_SIZE })) {
    found.push({ id: user.id, email: user.email, name: user.name, status: user.status });
  }
  return found;
}
