import { type DirectoryPerson, type DirectorySource, EmailSchema } from '@idp-sync/contracts';
import okta from '@okta/okta-sdk-nodejs';
import { OktaSourceError } from '../../errors';

/** What `--from okta` reads: the users assigned to one Okta app, or the members of one Okta group. */
export type OktaScope = { readonly appId: string } | { readonly groupId: string };

export interface OktaSourceOptions {
  /** The Okta org, e.g. `https://acme.okta.com` (`OKTA_ORG_URL`). */
  readonly orgUrl: string;
  /** An Okta API token (`OKTA_API_TOKEN`) of an admin who may read the app's users or the group's members. */
  readonly token: string;
  readonly scope: OktaScope;
  /** `inactive` treats SUSPENDED users as leavers, as `OKTA_SUSPEND_ACTION=delete` does for webhooks (default `active`). */
  readonly suspended?: 'active' | 'inactive';
  /** Users per page (Okta allows up to 500 for app users; default 200). */
  readonly pageSize?: number;
  /** Retries of a 429, waiting for `X-Rate-Limit-Reset` (the SDK's default request executor; default 4). */
  readonly maxRetries?: number;
  /** The time a request, with its 429 waits, may take (default 60 s). */
  readonly requestTimeoutMs?: number;
}

/** Okta user statuses that mean the person left: deactivated (and, when so configured, suspended). */
const LEFT = new Set(['DEPROVISIONED']);

/** The Okta user fields reconcile reads. */
interface OktaUser {
  id?: string;
  status?: string;
  profile?: {
    login?: string;
    email?: string;
    firstName?: string | null;
    lastName?: string | null;
    displayName?: string | null;
  };
}

/**
 * Okta as a source of truth (`idp-sync reconcile --from okta`), through the official `@okta/okta-sdk-nodejs`: the users
 * assigned to an app (`GET /api/v1/apps/{appId}/users?expand=user`) or the members of a group
 * (`GET /api/v1/groups/{groupId}/users`), page by page as the SDK follows Okta's `Link: rel="next"` headers, with the
 * SDK's request executor waiting out 429s (`X-Rate-Limit-Reset`). A person's key is their Okta `login` (what the event
 * hooks send as `alternateId`), else their `email`; a user with neither as an email address is left out, counted in
 * `skipped`. Everyone listed is active except DEPROVISIONED users (and SUSPENDED ones with `suspended: 'inactive'`).
 * No cache: each snapshot reads Okta afresh.
 *
 * @example
 * const source = oktaDirectorySource({ orgUrl: 'https://acme.okta.com', token, scope: { appId: '0oa1b2c3' } });
 */
export function oktaDirectorySource(options: OktaSourceOptions): DirectorySource & { readonly skipped: () => number } {
  const left = new Set(LEFT);
  if (options.suspended === 'inactive') left.add('SUSPENDED');
  const limit = options.pageSize ?? 200;
  let skipped = 0;
  const what = 'appId' in options.scope ? `app ${options.scope.appId}` : `group ${options.scope.groupId}`;
  return {
    name: `okta ${what}`,
    skipped: () => skipped,
    async *people() {
      const client = new okta.Client({
        orgUrl: options.orgUrl,
        token: options.token,
        requestExecutor: new okta.DefaultRequestExecutor({
          maxRetries: options.maxRetries ?? 4,
          requestTimeout: options.requestTimeoutMs ?? 60_000,
        }),
        // Every snapshot reads Okta afresh (the SDK caches GETs in memory by default).
        cacheMiddleware: null,
      });
      skipped = 0;
      const people = new Map<string, DirectoryPerson>();
      const add = (user: OktaUser | null | undefined) => {
        const profile = user?.profile;
        const parsed = EmailSchema.safeParse(profile?.login ?? profile?.email);
        const fallback = parsed.success ? parsed : EmailSchema.safeParse(profile?.email);
        if (user?.id === undefined || !fallback.success) {
          skipped++;
          return;
        }
        const name =
          [profile?.firstName, profile?.lastName]
            .filter((part) => typeof part === 'string' && part.trim())
            .join(' ')
            .trim() ||
          profile?.displayName?.trim() ||
          undefined;
        people.set(fallback.data, {
          email: fallback.data,
          active: !left.has(String(user.status)),
          sourceUserId: user.id,
          ...(name === undefined ? {} : { name: name.slice(0, 255) }),
        });
      };
      try {
        if ('appId' in options.scope) {
          const assigned = await client.applicationApi.listApplicationUsers({
            appId: options.scope.appId,
            expand: 'user',
            limit,
          });
          for await (const appUser of assigned) {
            add((appUser as { _embedded?: { user?: OktaUser } } | null)?._embedded?.user);
          }
        } else {
          const members = await client.groupApi.listGroupUsers({ groupId: options.scope.groupId, limit });
          for await (const user of members) add(user as OktaUser | null | undefined);
        }
      } catch (error) {
        throw new OktaSourceError(what, error);
      }
      yield* people.values();
    },
  };
}
