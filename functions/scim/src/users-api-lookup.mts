/**
 * The SCIM Lambda's Users API lookup, bundled into a file of its own beside the function's `index.mjs`
 * (`users-api-lookup.mjs`; infra/constructs/functions.ts `SCIM_USERS_API_LOOKUP`). It holds the Users API client and
 * undici, which only the lookup of people not yet in the SCIM store needs, and only when the function has Users API
 * credentials: in the bundle they would be parsed at every cold start (measured on Node 22: ~20 ms of INIT).
 * A `.mts` file so that the handler's `import('./users-api-lookup.mjs')` names the bundled file and still resolves to
 * this source under tsx, vitest and tsc.
 *
 * @example
 * const { createUsersApiLookup } = await import('./users-api-lookup.mjs');
 */
export { createUsersApiLookup } from '@idp-sync/scim/users-api';
