import { OktaSourceError } from '@idp-sync/reconcile';
import { oktaDirectorySource } from '@idp-sync/reconcile/okta';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type OktaStandIn, type OktaStandInUser, startOktaStandIn } from '../../helpers/okta-stand-in';

// Issue #17: the Okta source through the official @okta/okta-sdk-nodejs against a stand-in of the two list endpoints.

let okta: OktaStandIn;
const users: OktaStandInUser[] = Array.from({ length: 23 }, (_, i) => ({
  id: `00u${String(i).padStart(4, '0')}`,
  status: i === 3 ? 'DEPROVISIONED' : i === 4 ? 'SUSPENDED' : i === 5 ? 'STAGED' : 'ACTIVE',
  login: `Person${i}@Example.com`,
  firstName: `First${i}`,
  lastName: `Last${i}`,
}));

beforeAll(async () => {
  okta = await startOktaStandIn();
  okta.setApp('0oaAPP', users);
  okta.setGroup('00gGROUP', users.slice(0, 7));
});
afterAll(async () => {
  await okta.stop();
});

async function read(source: ReturnType<typeof oktaDirectorySource>) {
  const people = [];
  for await (const person of source.people()) people.push(person);
  return people;
}

describe('reconcile --from okta (the official SDK, Okta’s pagination)', () => {
  it('lists an app’s assigned users page by page (Link rel=next), keyed by login, active unless deactivated', async () => {
    const before = okta.counts.pages;
    const people = await read(
      oktaDirectorySource({ orgUrl: okta.url, token: okta.token, scope: { appId: '0oaAPP' }, pageSize: 5 }),
    );
    expect(okta.counts.pages - before).toBe(5); // 23 users, 5 a page
    expect(people).toHaveLength(23);
    expect(people[0]).toEqual({
      email: 'person0@example.com',
      name: 'First0 Last0',
      active: true,
      sourceUserId: '00u0000',
    });
    expect(people.find((p) => p.sourceUserId === '00u0003')?.active).toBe(false);
    expect(people.find((p) => p.sourceUserId === '00u0004')?.active).toBe(true);
    expect(people.find((p) => p.sourceUserId === '00u0005')?.active).toBe(true);
  });

  it('treats SUSPENDED as a leaver when told to (as OKTA_SUSPEND_ACTION=delete does), and reads a group’s members', async () => {
    const people = await read(
      oktaDirectorySource({
        orgUrl: okta.url,
        token: okta.token,
        scope: { groupId: '00gGROUP' },
        suspended: 'inactive',
      }),
    );
    expect(people).toHaveLength(7);
    expect(people.filter((p) => !p.active).map((p) => p.sourceUserId)).toEqual(['00u0003', '00u0004']);
  });

  it('waits out 429s (X-Rate-Limit-Reset) and still reads everyone', async () => {
    const limited = await startOktaStandIn({ rateLimitEvery: 2 });
    try {
      limited.setApp('0oaAPP', users);
      const people = await read(
        oktaDirectorySource({ orgUrl: limited.url, token: limited.token, scope: { appId: '0oaAPP' }, pageSize: 10 }),
      );
      expect(people).toHaveLength(23);
      expect(limited.counts.rateLimited).toBeGreaterThan(0);
    } finally {
      await limited.stop();
    }
  }, 20_000);

  it('says what is wrong with a bad token or an unknown app, never printing the token', async () => {
    const badToken = 'not-the-token-0123456789';
    const wrong = read(oktaDirectorySource({ orgUrl: okta.url, token: badToken, scope: { appId: '0oaAPP' } }));
    await expect(wrong).rejects.toBeInstanceOf(OktaSourceError);
    await expect(wrong).rejects.toMatchObject({
      message: expect.stringMatching(/HTTP 401 E0000011 Invalid token provided/),
      hint: expect.stringMatching(/OKTA_API_TOKEN/),
    });
    await wrong.catch((error: Error) => expect(`${error.message}`).not.toContain(badToken));
    const missing = read(oktaDirectorySource({ orgUrl: okta.url, token: okta.token, scope: { appId: '0oaNOPE' } }));
    await expect(missing).rejects.toMatchObject({
      message: expect.stringMatching(/HTTP 404 E0000007/),
      hint: expect.stringMatching(/app or group id/),
    });
  });
});
