import type { LocalStack, SourceRequests } from '@idp-sync/local-stack';
import { sourceRequests } from '@idp-sync/local-stack';
import type { UserRecord, UsersApiEmulator } from '@idp-sync/users-api-emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliver, startTestStack } from '../helpers/local-stack';

/**
 * Issue #16 part 2 through HTTP against the running local stack (real ingest, SCIM and worker handlers, fauxqs,
 * dynalite, the emulator): deactivate → reactivate within the grace period leaves the person untouched, for Okta's
 * event hooks, Okta's SCIM requests and Entra's SCIM requests; a deactivation whose period ends is deleted after the
 * local sweeper re-queues it.
 */

let stack: LocalStack;
let emulator: UsersApiEmulator;
let sources: SourceRequests;
let n = 0;
const email = (tag: string) => `${tag}-${++n}@grace.example`;
const user = (address: string): UserRecord | undefined => emulator.state.findByEmail(address);
const deletes = () => emulator.counters().byOperation['users.delete']?.total ?? 0;

beforeAll(async () => {
  stack = await startTestStack({
    // The timer is the one `npm start` runs; the tests sweep by hand so that they do not wait for it.
    graceSweepSeconds: 3600,
    handlerEnv: { GRACE_PERIOD_OKTA: 'PT1H', GRACE_PERIOD_SCIM: 'PT1H', GRACE_PERIOD_HR: 'PT2S' },
  });
  emulator = stack.emulator as UsersApiEmulator;
  sources = sourceRequests({ ingestUrl: stack.urls.ingest, secrets: stack.secrets });
});
afterAll(async () => {
  await stack?.stop();
});

async function drained(): Promise<void> {
  await stack.waitForDrain({ timeoutMs: 20_000 });
}

/** A SCIM PATCH as Okta sends it: no path, the attributes in `value`. */
function oktaScimActive(id: string, active: boolean) {
  return sources.scimPatch(id, [{ op: 'replace', value: { active } }]);
}

describe('deactivate → reactivate within the grace period leaves the person untouched', () => {
  it('Okta event hooks: user.lifecycle.deactivate, then user.lifecycle.reactivate', async () => {
    const ada = email('okta');
    emulator.state.seed([{ name: 'Ada', email: ada }]);
    const before = user(ada);
    const deletesBefore = deletes();
    expect((await deliver(sources.okta([{ eventType: 'user.lifecycle.deactivate', email: ada }]))).status).toBe(200);
    await drained();
    expect(user(ada)?.status).toBe('ACTIVE');
    expect(
      (await deliver(sources.okta([{ eventType: 'user.lifecycle.reactivate', email: ada, name: 'Ada' }]))).status,
    ).toBe(200);
    await drained();
    expect(await stack.sweepGracePeriods()).toMatchObject({ released: 0, waiting: 0 });
    await drained();
    expect(user(ada)).toMatchObject({ id: before?.id, status: 'ACTIVE' });
    expect(deletes()).toBe(deletesBefore);
  });

  it('Okta SCIM: PATCH active false, then PATCH active true', async () => {
    const bea = email('oktascim');
    const created = await deliver(sources.scimCreate({ userName: bea, givenName: 'Bea', familyName: 'Okta' }));
    expect(created.status).toBe(201);
    const id = (created.body as { id: string }).id;
    await drained();
    const before = user(bea);
    expect(before?.status).toBe('INVITED');
    const deletesBefore = deletes();
    expect([200, 204]).toContain((await deliver(oktaScimActive(id, false))).status);
    await drained();
    expect(user(bea)?.deletedAt).toBeUndefined();
    expect([200, 204]).toContain((await deliver(oktaScimActive(id, true))).status);
    await drained();
    expect(await stack.sweepGracePeriods()).toMatchObject({ released: 0, waiting: 0 });
    await drained();
    expect(user(bea)).toMatchObject({ id: before?.id, status: 'INVITED' });
    expect(deletes()).toBe(deletesBefore);
  });

  it('Entra SCIM: PATCH Replace active "False", then "True" (as Microsoft documents them)', async () => {
    const cyd = email('entra');
    const created = await deliver(sources.scimCreate({ userName: cyd, givenName: 'Cyd', familyName: 'Entra' }));
    const id = (created.body as { id: string }).id;
    await drained();
    const before = user(cyd);
    const deletesBefore = deletes();
    expect([200, 204]).toContain((await deliver(sources.scimDisable(id))).status);
    await drained();
    expect(user(cyd)?.deletedAt).toBeUndefined();
    // Entra reads the user back as disabled meanwhile.
    expect((await deliver(sources.scimFind(cyd))).body).toMatchObject({ Resources: [{ id, active: false }] });
    expect(
      [200, 204].includes(
        (await deliver(sources.scimPatch(id, [{ op: 'Replace', path: 'active', value: 'True' }]))).status,
      ),
    ).toBe(true);
    await drained();
    expect(await stack.sweepGracePeriods()).toMatchObject({ released: 0, waiting: 0 });
    await drained();
    expect(user(cyd)).toMatchObject({ id: before?.id, status: 'INVITED' });
    expect(deletes()).toBe(deletesBefore);
  });

  it('Entra SCIM: a hard DELETE is an explicit termination, applied at once despite the grace period', async () => {
    const dot = email('entradelete');
    const created = await deliver(sources.scimCreate({ userName: dot, givenName: 'Dot', familyName: 'Entra' }));
    const id = (created.body as { id: string }).id;
    await drained();
    expect((await deliver(sources.scimDelete(id))).status).toBe(204);
    await drained();
    expect(user(dot)?.status).toBe('DELETED');
  });
});

describe('when the grace period ends', () => {
  it('the sweep re-queues the delete and the person is deleted', async () => {
    const eve = email('hr');
    emulator.state.seed([{ name: 'Eve', email: eve }]);
    expect((await deliver(sources.hr('user.left', { email: eve }))).status).toBe(202);
    await drained();
    expect(user(eve)?.status).toBe('ACTIVE');
    expect(await stack.sweepGracePeriods()).toMatchObject({ released: 0, waiting: 1 });
    await new Promise((resolve) => setTimeout(resolve, 2_100));
    expect(await stack.sweepGracePeriods()).toMatchObject({ released: 1 });
    await drained();
    expect(user(eve)?.status).toBe('DELETED');
  });
});
