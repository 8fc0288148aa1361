import type { LocalStack } from '@idp-sync/local-stack';
import { createUsersClient, roles } from '@idp-sync/users-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack } from '../../helpers/local-stack';

/**
 * SCIM over HTTP on the local stack (`npm start`): the ingest server, the same ingest handler as in AWS, SQS FIFO
 * (fauxqs), the worker and the Users API emulator. What Entra does, and what ends up in the Users API.
 */

let stack: LocalStack;
let users: ReturnType<typeof createUsersClient>;

beforeAll(async () => {
  stack = await startTestStack({
    handlerEnv: {
      // Issue #18: SCIM groups choose the role; creates wait 2 s for the groups Entra sends after the users.
      ROLE_POLICY: JSON.stringify({ rules: [{ when: { source: 'scim', group: 'Stack Admins' }, role: 'ADMIN' }] }),
      ROLE_SETTLE_SECONDS: '2',
    },
  });
  users = createUsersClient({ baseUrl: stack.urls.usersApi, apiKey: stack.usersApiKey });
});
afterAll(async () => {
  await stack?.stop();
});

async function scim(method: string, path: string, body?: unknown, token = stack.secrets.scim) {
  const response = await fetch(`${stack.urls.scim}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/scim+json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return {
    status: response.status,
    contentType: response.headers.get('content-type'),
    json: text ? JSON.parse(text) : undefined,
  };
}

/** Polls until `check` gives a value, for at most 15 s (the worker runs asynchronously). */
async function eventually<T>(check: () => Promise<T | null | undefined>): Promise<T> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const value = await check();
    if (value !== null && value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('condition not met within 15 s');
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe('SCIM on the local stack', () => {
  it('a POSTed user is found at once, then provisioned by the worker; disabling it deletes the person', async () => {
    const created = await scim('POST', '/Users', {
      userName: 'stack.alice@contoso.com',
      displayName: 'Stack Alice',
      emails: [{ value: 'stack.alice@contoso.com', type: 'work', primary: true }],
    });
    expect(created.status).toBe(201);
    expect(created.contentType).toBe('application/scim+json');
    const found = await scim('GET', `/Users?filter=${encodeURIComponent('userName eq "stack.alice@contoso.com"')}`);
    expect(found.json.Resources[0].id).toBe(created.json.id);

    const person = await eventually(() => users.users.get({ user: 'stack.alice@contoso.com' }));
    expect(person).toMatchObject({ name: 'Stack Alice', status: 'INVITED' });

    const disabled = await scim('PATCH', `/Users/${created.json.id}`, {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
      Operations: [{ op: 'Replace', path: 'active', value: 'False' }],
    });
    // 200 with the resource (the default since issue #18), active now false.
    expect(disabled.status).toBe(200);
    await eventually(async () => ((await users.users.get({ user: 'stack.alice@contoso.com' })) === null ? true : null));
    expect((await scim('GET', `/Users/${created.json.id}`)).json.active).toBe(false);
  });

  it('a name change reaches the Users API; an email change does not, and the person keeps their email', async () => {
    const created = await scim('POST', '/Users', {
      userName: 'stack.bob@contoso.com',
      displayName: 'Stack Bob',
      emails: [{ value: 'stack.bob@contoso.com', type: 'work', primary: true }],
    });
    await eventually(() => users.users.get({ user: 'stack.bob@contoso.com' }));
    await scim('PATCH', `/Users/${created.json.id}`, {
      Operations: [
        { op: 'replace', value: { displayName: 'Robert Stack' } },
        { op: 'replace', path: 'emails[type eq "work"].value', value: 'robert@contoso.com' },
      ],
    });
    const renamed = await eventually(async () => {
      const person = await users.users.get({ user: 'stack.bob@contoso.com' });
      return person?.name === 'Robert Stack' ? person : null;
    });
    expect(renamed.email).toBe('stack.bob@contoso.com');
    expect(await users.users.get({ user: 'robert@contoso.com' })).toBeNull();
  });

  it('finds a person created directly in the Users API, through the fallback, and gives it a SCIM id', async () => {
    await users.users.create({
      name: 'Direct Carol',
      email: 'direct.carol@contoso.com',
      role: roles.member(),
      inviteMode: 'NONE',
    });
    const found = await scim('GET', `/Users?filter=${encodeURIComponent('userName eq "direct.carol@contoso.com"')}`);
    expect(found.json.totalResults).toBe(1);
    const { id } = found.json.Resources[0];
    expect((await scim('GET', `/Users/${id}`)).json).toMatchObject({ displayName: 'Direct Carol', active: true });
  });

  it('Entra’s order — the user, then the group and its members — gives the role the group chooses', async () => {
    const created = await scim('POST', '/Users', {
      userName: 'stack.dana@contoso.com',
      displayName: 'Stack Dana',
      emails: [{ value: 'stack.dana@contoso.com', type: 'work', primary: true }],
    });
    const group = await scim('POST', '/Groups', {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
      externalId: '5d2f6a7e-0c1b-4e8f-9a3d-2b7c4e1f0a96',
      displayName: 'Stack Admins',
      meta: { resourceType: 'Group' },
    });
    expect(group.status).toBe(201);
    const added = await scim('PATCH', `/Groups/${group.json.id}`, {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
      Operations: [{ op: 'Add', path: 'members', value: [{ $ref: null, value: created.json.id }] }],
    });
    expect(added.status).toBe(200);
    const person = await eventually(() => users.users.get({ user: 'stack.dana@contoso.com' }));
    expect(person.role).toMatchObject({ type: 'PREDEFINED', name: 'ADMIN' });
    // Someone outside the group gets the default role.
    await scim('POST', '/Users', {
      userName: 'stack.eve@contoso.com',
      emails: [{ value: 'stack.eve@contoso.com', type: 'work', primary: true }],
    });
    const other = await eventually(() => users.users.get({ user: 'stack.eve@contoso.com' }));
    expect(other.role).toMatchObject({ type: 'PREDEFINED', name: 'MEMBER' });
  });

  it('answers 401 in the SCIM error schema to a wrong token', async () => {
    const response = await scim('GET', '/Users', undefined, 'not-the-scim-token-at-all');
    expect(response.status).toBe(401);
    expect(response.json.schemas).toEqual(['urn:ietf:params:scim:api:messages:2.0:Error']);
  });
});
