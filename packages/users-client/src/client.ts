import { resolveConfig, type UsersClientOptions } from './config';
import { HttpTransport } from './transport';
import { UsersResource } from './users/users';

/**
 * A Users API client: `users.*` operations over one keep-alive connection pool.
 *
 * @example
 * const client: UsersClient = createUsersClient();
 * await client.users.list();
 * await client.close();
 */
export interface UsersClient {
  readonly users: UsersResource;
  /** The origin and path prefix requests go to, e.g. `https://api.arize.com`. */
  readonly baseUrl: string;
  /** Closes the client's own undici Agent after in-flight requests finish. */
  close(): Promise<void>;
}

/**
 * Builds a client. Options are validated once; a missing API key or bad option throws {@link ConfigurationError} here,
 * not at the first request.
 *
 * @example
 * const client = createUsersClient({ timeoutMs: 5_000, retry: { maxAttempts: 4 } }); // key from ARIZE_API_KEY
 * const user = await client.users.get({ user: 'ada@example.com' });
 * await client.close();
 */
export function createUsersClient(options: UsersClientOptions = {}): UsersClient {
  const config = resolveConfig(options);
  const transport = new HttpTransport(config);
  return {
    users: new UsersResource(transport, config),
    baseUrl: config.origin + config.basePath,
    close: () => transport.close(),
  };
}
