import { createHash, randomUUID } from 'node:crypto';
import type { StackSecrets } from '../secrets';
import { bambooHeaders, hrHeaders, oktaHeaders, type SignedRequest, scimHeaders, workosHeaders } from '../signing';

/** Where requests go and what they are signed with: a running stack's URLs and secrets. */
export interface SourceTarget {
  readonly ingestUrl: string;
  readonly secrets: StackSecrets;
  /** The header Okta puts its secret in (default `authorization`). */
  readonly oktaAuthHeader?: string;
}

/** One Okta System Log event about one person. */
export interface OktaEventInput {
  readonly eventType: string;
  readonly email: string;
  readonly name?: string;
  /** RFC 3339; default now. */
  readonly published?: string;
  /** Okta's event uuid (the command id is `okta:<uuid>`); default random. */
  readonly uuid?: string;
  readonly outcome?: string;
  /** A `UserGroup` target beside the user (`group.user_membership.add` / `.remove`). */
  readonly group?: { readonly id: string; readonly name: string };
  /** An `AppInstance` target beside the user (`application.user_membership.add` / `.remove`). */
  readonly app?: { readonly id: string; readonly name: string };
}

/** A stable Okta-looking user id for an email (`00u…`), so a person keeps one id across events. */
function oktaUserId(email: string): string {
  return `00u${createHash('sha256').update(email).digest('hex').slice(0, 17)}`;
}

/**
 * Builds requests the way each vendor sends them, signed with the stack's secrets at the moment they are built (the
 * timestamped signatures of HR, WorkOS and BambooHR are good for minutes: build, then send).
 *
 * @example
 * const sources = sourceRequests({ ingestUrl: stack.urls.ingest, secrets: stack.secrets });
 * await send(sources.hr('user.joined', { email: 'ada@example.com', name: 'Ada Lovelace' }));
 */
export function sourceRequests(target: SourceTarget) {
  const url = (path: string) => `${target.ingestUrl}${path}`;
  const now = () => new Date().toISOString();

  return {
    /** An Okta event hook delivery carrying one or more System Log events (Okta batches them). */
    okta(events: readonly OktaEventInput[]): SignedRequest {
      const sentAt = now();
      const body = JSON.stringify({
        eventType: 'com.okta.event_hook',
        eventTypeVersion: '1.0',
        cloudEventsVersion: '0.1',
        source: 'https://acme.okta.com/api/v1/eventHooks/whoDemoHook01',
        eventId: randomUUID(),
        eventTime: sentAt,
        contentType: 'application/json',
        data: {
          events: events.map((e) => ({
            uuid: e.uuid ?? randomUUID(),
            published: e.published ?? sentAt,
            eventType: e.eventType,
            version: '0',
            displayMessage: e.eventType,
            severity: 'INFO',
            actor: { id: '00uAdminDemo', type: 'User', alternateId: 'it.admin@acme.example', displayName: 'IT Admin' },
            client: { ipAddress: '203.0.113.10', device: 'Computer' },
            outcome: { result: e.outcome ?? 'SUCCESS', reason: null },
            target: [
              {
                id: oktaUserId(e.email),
                type: 'User',
                alternateId: e.email,
                displayName: e.name ?? e.email.split('@')[0],
                detailEntry: null,
              },
              ...(e.group
                ? [{ id: e.group.id, type: 'UserGroup', alternateId: 'unknown', displayName: e.group.name }]
                : []),
              ...(e.app
                ? [{ id: e.app.id, type: 'AppInstance', alternateId: e.app.name, displayName: e.app.name }]
                : []),
            ],
          })),
        },
      });
      return {
        method: 'POST',
        url: url('/webhooks/okta'),
        headers: oktaHeaders(target.secrets.okta, target.oktaAuthHeader),
        body,
      };
    },

    /** Okta's one-time verification GET. */
    oktaVerification(challenge: string): SignedRequest {
      const { 'content-type': _, ...headers } = oktaHeaders(target.secrets.okta, target.oktaAuthHeader);
      return {
        method: 'GET',
        url: url('/webhooks/okta'),
        headers: { ...headers, 'x-okta-verification-challenge': challenge },
      };
    },

    /**
     * An HR event over Standard Webhooks. Keep `id` to redeliver the same message (a retry carries the same
     * `webhook-id`); `timestamp` is when the HR system says it happened.
     */
    hr(
      type: string,
      data: Record<string, unknown>,
      options: { id?: string; timestamp?: string } = {},
    ): SignedRequest & { readonly id: string } {
      const id = options.id ?? `msg_${randomUUID().replace(/-/g, '')}`;
      const body = JSON.stringify({ type, timestamp: options.timestamp ?? now(), data });
      return {
        method: 'POST',
        url: url('/webhooks/hr'),
        headers: hrHeaders(target.secrets.hr, body, { id }),
        body,
        id,
      };
    },

    /** Redelivers an HR message exactly (same id and body), freshly signed — what a webhook sender's retry does. */
    hrRedelivery(original: SignedRequest & { readonly id: string }): SignedRequest {
      const body = original.body ?? '';
      return { ...original, headers: hrHeaders(target.secrets.hr, body, { id: original.id }) };
    },

    /** A WorkOS Directory Sync event about one directory user. */
    workos(
      event: string,
      user: {
        id: string;
        email: string;
        firstName?: string;
        lastName?: string;
        state?: 'active' | 'inactive';
        previous?: Record<string, unknown>;
        /** The directory groups the user is in, as WorkOS lists them on a directory user. */
        groups?: readonly { id: string; name: string }[];
      },
      options: { id?: string; createdAt?: string } = {},
    ): SignedRequest {
      const createdAt = options.createdAt ?? now();
      const body = JSON.stringify({
        id: options.id ?? `event_${randomUUID().replace(/-/g, '').slice(0, 26).toUpperCase()}`,
        event,
        data: {
          object: 'directory_user',
          id: user.id,
          directory_id: 'directory_01DEMOACMEOKTA',
          organization_id: 'org_01DEMOACME',
          idp_id: oktaUserId(user.email),
          state: user.state ?? 'active',
          email: user.email,
          emails: [{ primary: true, type: 'work', value: user.email }],
          first_name: user.firstName ?? null,
          last_name: user.lastName ?? null,
          created_at: createdAt,
          updated_at: createdAt,
          ...(user.groups
            ? {
                groups: user.groups.map((group) => ({
                  object: 'directory_group',
                  id: group.id,
                  name: group.name,
                  directory_id: 'directory_01DEMOACMEOKTA',
                  organization_id: 'org_01DEMOACME',
                })),
              }
            : {}),
          ...(user.previous ? { previous_attributes: user.previous } : {}),
        },
        created_at: createdAt,
      });
      return {
        method: 'POST',
        url: url('/webhooks/workos'),
        headers: workosHeaders(target.secrets.workos, body),
        body,
      };
    },

    /** A BambooHR event-based webhook, posting the fields the webhook is configured with. */
    bamboohr(
      type: 'employee.created' | 'employee.updated' | 'employee.deleted',
      employee: { id: number; fields: Record<string, string>; changedFields?: string[] },
      options: { timestamp?: string } = {},
    ): SignedRequest {
      const body = JSON.stringify({
        type,
        timestamp: options.timestamp ?? now(),
        data: {
          companyId: 4242,
          employeeId: employee.id,
          changedFields: employee.changedFields ?? Object.keys(employee.fields),
          fields: employee.fields,
        },
      });
      return {
        method: 'POST',
        url: url('/webhooks/bamboohr'),
        headers: bambooHeaders(target.secrets.bamboohr, body),
        body,
      };
    },

    /** Entra's SCIM `POST /Users` (with its string booleans: `active` is `"True"` by default). */
    scimCreate(user: { userName: string; givenName: string; familyName: string; externalId?: string }): SignedRequest {
      const body = JSON.stringify({
        schemas: [
          'urn:ietf:params:scim:schemas:core:2.0:User',
          'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User',
        ],
        externalId: user.externalId ?? user.userName.split('@')[0],
        userName: user.userName,
        active: 'True',
        displayName: `${user.givenName} ${user.familyName}`,
        emails: [{ primary: true, type: 'work', value: user.userName }],
        meta: { resourceType: 'User' },
        name: {
          formatted: `${user.givenName} ${user.familyName}`,
          familyName: user.familyName,
          givenName: user.givenName,
        },
        'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User': { department: 'Engineering' },
      });
      return { method: 'POST', url: url('/scim/v2/Users'), headers: scimHeaders(target.secrets.scim), body };
    },

    /** Entra's SCIM `PATCH /Users/{id}` (capitalised ops, string booleans). */
    scimPatch(id: string, operations: { op: string; path?: string; value: unknown }[]): SignedRequest {
      const body = JSON.stringify({
        schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
        Operations: operations,
      });
      return {
        method: 'PATCH',
        url: url(`/scim/v2/Users/${encodeURIComponent(id)}`),
        headers: scimHeaders(target.secrets.scim),
        body,
      };
    },

    /** Entra's disable: `PATCH active = "False"`. */
    scimDisable(id: string): SignedRequest {
      return this.scimPatch(id, [{ op: 'Replace', path: 'active', value: 'False' }]);
    },

    /** Entra's lookup before it creates: `GET /Users?filter=userName eq "…"`. */
    scimFind(userName: string): SignedRequest {
      const filter = encodeURIComponent(`userName eq "${userName}"`);
      const { 'content-type': _, ...headers } = scimHeaders(target.secrets.scim);
      return { method: 'GET', url: url(`/scim/v2/Users?filter=${filter}`), headers };
    },

    /** Entra's hard delete. */
    scimDelete(id: string): SignedRequest {
      const { 'content-type': _, ...headers } = scimHeaders(target.secrets.scim);
      return { method: 'DELETE', url: url(`/scim/v2/Users/${encodeURIComponent(id)}`), headers };
    },
  };
}

export type SourceRequests = ReturnType<typeof sourceRequests>;
