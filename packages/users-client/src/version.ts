/**
 * This package's version; a unit test keeps it equal to `package.json`'s.
 *
 * @example
 * console.log(`users-client ${VERSION}`);
 */
export const VERSION = '0.1.0';

/**
 * The product token every request carries in `User-Agent`, so the API's operators can tell idp-sync's traffic apart.
 *
 * @example
 * userAgent('idp-sync-worker/0.1.0') // 'idp-sync-worker/0.1.0 idp-sync-users-client/0.1.0 node/v22.12.0'
 */
export function userAgent(prefix?: string): string {
  const own = `idp-sync-users-client/${VERSION} node/${process.version}`;
  return prefix ? `${prefix} ${own}` : own;
}
