import { WorkosSourceError } from '@idp-sync/reconcile';
import { workosDirectorySource } from '@idp-sync/reconcile/workos';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorkosStandIn, type WorkosStandIn, type WorkosStandInUser } from '../../helpers/workos-stand-in';

// Issue #17: the WorkOS source (REST with undici: @workos-inc/node 12 needs Node >= 22.11) against a stand-in.

let workos: WorkosStandIn;
const users: WorkosStandInUser[] = Array.from({ length: 250 }, (_, i) => ({
  id: `directory_user_${String(i).padStart(4, '0')}`,
  ...(i === 1
    ? { emails: [{ value: 'second@example.com' }, { primary: true, value: 'Primary@Example.com' }] }
    : i === 2
      ? { username: 'user.name@example.com' }
      : i === 3
        ? { username: 'not-an-email' }
        : { email: `person${i}@example.com` }),
  first_name: `First${i}`,
  last_name: `Last${i}`,
  state: i % 50 === 0 ? 'inactive' : 'active',
}));

beforeAll(async () => {
  workos = await startWorkosStandIn();
  workos.setDirectory('directory_01DRIFT', users);
});
afterAll(async () => {
  await workos.stop();
});

async function read(source: ReturnType<typeof workosDirectorySource>) {
  const people = [];
  for await (const person of source.people()) people.push(person);
  return people;
}

describe('reconcile --from workos (WorkOS’s list_metadata.after pagination)', () => {
  it('reads every page (100 a page), keyed as the webhooks key people; inactive is a leaver', async () => {
    const before = workos.counts.pages;
    const source = workosDirectorySource({
      directoryId: 'directory_01DRIFT',
      apiKey: workos.apiKey,
      baseUrl: workos.url,
    });
    const people = await read(source);
    expect(workos.counts.pages - before).toBe(3);
    expect(people).toHaveLength(249);
    expect(source.skipped()).toBe(1);
    expect(people.find((p) => p.sourceUserId === 'directory_user_0001')?.email).toBe('primary@example.com');
    expect(people.find((p) => p.sourceUserId === 'directory_user_0002')?.email).toBe('user.name@example.com');
    expect(people.find((p) => p.sourceUserId === 'directory_user_0004')).toEqual({
      email: 'person4@example.com',
      name: 'First4 Last4',
      active: true,
      sourceUserId: 'directory_user_0004',
    });
    expect(people.filter((p) => !p.active)).toHaveLength(5);
  });

  it('waits out 429s (Retry-After) and still reads everyone', async () => {
    const limited = await startWorkosStandIn({ rateLimitEvery: 2 });
    try {
      limited.setDirectory('directory_01DRIFT', users);
      const people = await read(
        workosDirectorySource({ directoryId: 'directory_01DRIFT', apiKey: limited.apiKey, baseUrl: limited.url }),
      );
      expect(people).toHaveLength(249);
      expect(limited.counts.rateLimited).toBeGreaterThan(0);
    } finally {
      await limited.stop();
    }
  }, 20_000);

  it('says what is wrong with a bad key or an unknown directory, never printing the key', async () => {
    const key = 'sk_test_wrong_0123456789';
    const bad = read(workosDirectorySource({ directoryId: 'directory_01DRIFT', apiKey: key, baseUrl: workos.url }));
    await expect(bad).rejects.toBeInstanceOf(WorkosSourceError);
    await expect(bad).rejects.toMatchObject({
      message: expect.stringMatching(/HTTP 401/),
      hint: expect.stringMatching(/WORKOS_API_KEY/),
    });
    await bad.catch((error: Error) => expect(error.message).not.toContain(key));
    const missing = read(
      workosDirectorySource({ directoryId: 'directory_01NOPE', apiKey: workos.apiKey, baseUrl: workos.url }),
    );
    await expect(missing).rejects.toMatchObject({
      message: expect.stringMatching(/HTTP 404 entity_not_found/),
      hint: expect.stringMatching(/directory id/),
    });
  });
});
