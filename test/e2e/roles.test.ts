import { type LocalStack, type SourceRequests, scimHeaders, sourceRequests } from '@idp-sync/local-stack';
import type { UsersApiEmulator } from '@idp-sync/users-api-emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliver, startTestStack, waitFor } from '../helpers/local-stack';

/**
 * Issue #18, end to end on the local stack (the real ingest, SCIM and worker handlers, fauxqs, dynalite, the
 * emulator): the Okta and Entra group sequences give the role the role policy maps the group to — a custom RBAC role
 * the account has, read back with its name.
 */

const DATA_SCIENTIST = { id: 'Um9sZTo3', name: 'Data Scientist' };
const SETTLE_SECONDS = 2;

let stack: LocalStack;
let emulator: UsersApiEmulator;
let sources: SourceRequests;
let n = 0;
const email = (tag: string) => `${tag}-${++n}@roles.example`;
const APP = { id: '0oaArizeApp', name: 'arize' };
const DATA_SCIENCE = { id: '00gDataScience', name: 'Data Science' };

beforeAll(async () => {
  stack = await startTestStack({
    handlerEnv: {
      OKTA_MEMBERSHIP_EVENTS: 'app',
      ROLE_POLICY: JSON.stringify({
        rules: [
          { when: { source: 'okta', group: 'Data Science' }, role: { custom: DATA_SCIENTIST.id } },
          { when: { source: 'scim', group: 'Labelers' }, role: { custom: DATA_SCIENTIST.id } },
        ],
      }),
      ROLE_SETTLE_SECONDS: String(SETTLE_SECONDS),
    },
  });
  emulator = stack.emulator as UsersApiEmulator;
  sources = sourceRequests({ ingestUrl: stack.urls.ingest, secrets: stack.secrets });
  // The account's custom roles, through the emulator's control endpoint.
  const response = await fetch(`${stack.urls.usersApi}/_emulator/roles`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ roles: [DATA_SCIENTIST] }),
  });
  expect(response.status).toBe(200);
});
afterAll(async () => {
  await stack?.stop();
});

const roleOf = (who: string) => waitFor(() => emulator.state.findByEmail(who)?.role, 20_000);

describe('Okta event hooks', () => {
  it('a group membership, then the app assignment: the create takes the group’s custom role', async () => {
    const who = email('okta-first');
    expect(
      (await deliver(sources.okta([{ eventType: 'group.user_membership.add', email: who, group: DATA_SCIENCE }])))
        .status,
    ).toBe(200);
    expect(
      (
        await deliver(
          sources.okta([{ eventType: 'application.user_membership.add', email: who, name: 'Grace', app: APP }]),
        )
      ).status,
    ).toBe(200);
    expect(await roleOf(who)).toEqual({ type: 'CUSTOM', ...DATA_SCIENTIST });
  });

  it('the app assignment, then the group membership (Okta’s usual order): the settle time lets it choose the role', async () => {
    const who = email('okta-after');
    expect(
      (
        await deliver(
          sources.okta([{ eventType: 'application.user_membership.add', email: who, name: 'Hedy', app: APP }]),
        )
      ).status,
    ).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(
      (await deliver(sources.okta([{ eventType: 'group.user_membership.add', email: who, group: DATA_SCIENCE }])))
        .status,
    ).toBe(200);
    expect(await roleOf(who)).toEqual({ type: 'CUSTOM', ...DATA_SCIENTIST });
  });

  it('someone in no mapped group gets the default role', async () => {
    const who = email('okta-plain');
    await deliver(sources.okta([{ eventType: 'application.user_membership.add', email: who, name: 'Ida', app: APP }]));
    expect(await roleOf(who)).toEqual({ type: 'PREDEFINED', name: 'MEMBER' });
  });
});

describe('SCIM (Okta push groups, Entra group provisioning)', () => {
  async function scim(method: string, path: string, body?: unknown) {
    const response = await fetch(`${stack.urls.scim}${path}`, {
      method,
      headers: scimHeaders(stack.secrets.scim),
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, json: (await response.json()) as { id: string } };
  }

  it('Okta: the user is created, then the group is pushed with them in it: the create takes the custom role', async () => {
    const who = email('push');
    const created = await scim('POST', '/Users', {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
      userName: who,
      name: { givenName: 'Joan', familyName: 'Clarke' },
      emails: [{ primary: true, value: who, type: 'work' }],
      active: true,
    });
    expect(created.status).toBe(201);
    const pushed = await scim('POST', '/Groups', {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
      displayName: 'Labelers',
      members: [{ value: created.json.id, display: who }],
    });
    expect(pushed.status).toBe(201);
    expect(await roleOf(who)).toEqual({ type: 'CUSTOM', ...DATA_SCIENTIST });
  });
});
