import type { UsersLookup } from './ports';

/** The part of the Users API client (`@idp-sync/users-client`) the lookup needs. */
export interface UsersGetClient {
  readonly users: {
    get(
      params: { user: string },
      options?: { signal?: AbortSignal; budgetMs?: number },
    ): Promise<{ id: string; email: string; name: string; status: string; createdAt: string } | null>;
  };
}

/**
 * A {@link UsersLookup} over the Users API client: `users.get({ user: email })` resolves an email by an exact,
 * case-insensitive match across pages. The SCIM service bounds it with its own timeout (and aborts it through the
 * signal); `budgetMs` keeps the client's retries inside the same budget.
 *
 * @example
 * const usersLookup = usersLookupFromClient(createUsersClient(), 1000);
 */
export function usersLookupFromClient(client: UsersGetClient, budgetMs = 1000): UsersLookup {
  return {
    async findByEmail(email, options = {}) {
      const user = await client.users.get(
        { user: email },
        { budgetMs, ...(options.signal ? { signal: options.signal } : {}) },
      );
      return user
        ? { id: user.id, email: user.email, name: user.name, status: user.status, createdAt: user.createdAt }
        : null;
    },
  };
}
