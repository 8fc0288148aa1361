import { loadScimSettings } from '@idp-sync/scim/service';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ScimBackend, type ScimTestService, startScimBackend } from '../../helpers/scim/harness';
import { PATCH_OP } from '../../helpers/scim/microsoft-docs';

// Issue #18: provisioning scoped by group (SCIM_PROVISIONING_GROUPS): only members of the configured groups are
// provisioned; leaving the last one is a leave (a delete command, which the worker puts through the deletion guard).

const GROUPS = '/scim/v2/Groups';
const patchOps = (...operations: unknown[]) => ({ schemas: [PATCH_OP], Operations: operations });

let backend: ScimBackend;
beforeAll(async () => {
  backend = await startScimBackend();
});
afterAll(async () => {
  await backend.stop();
});

async function scoped(): Promise<ScimTestService> {
  return backend.createService({ config: { provisioningGroups: ['Arize Users', 'obj-all-staff'] } });
}

async function user(scim: ScimTestService, email: string, active = true): Promise<string> {
  const created = await scim.request('POST', '/scim/v2/Users', {
    body: { userName: email, active, emails: [{ value: email, type: 'work', primary: true }] },
  });
  expect(created.statusCode).toBe(201);
  return created.json.id as string;
}

/** The commands queued since the last call, as `action email`. */
function drain(scim: ScimTestService): () => Promise<string[]> {
  let seen = 0;
  return async () => {
    const all = await scim.commands();
    const fresh = all.slice(seen).map((command) => `${command.action} ${command.email}`);
    seen = all.length;
    return fresh;
  };
}

describe('provisioning groups', () => {
  it('a user is provisioned when they join a provisioning group and deprovisioned when they leave the last one', async () => {
    const scim = await scoped();
    const next = drain(scim);
    const ada = await user(scim, 'ada@scope.example');
    expect(await next()).toEqual([]);
    expect(scim.logs.some((line) => line.message.includes('in no provisioning group'))).toBe(true);

    // Entra's order: the group, then its members by PATCH.
    const users = (await scim.request('POST', GROUPS, { body: { displayName: 'Arize Users' } })).json.id;
    // The second provisioning group is named by its externalId (Entra's object id), not its name.
    const staff = (
      await scim.request('POST', GROUPS, { body: { displayName: 'All Staff', externalId: 'obj-all-staff' } })
    ).json.id;
    const other = (await scim.request('POST', GROUPS, { body: { displayName: 'Book Club' } })).json.id;
    await scim.request('PATCH', `${GROUPS}/${other}`, {
      body: patchOps({ op: 'add', path: 'members', value: [{ value: ada }] }),
    });
    expect(await next()).toEqual([]);

    await scim.request('PATCH', `${GROUPS}/${users}`, {
      body: patchOps({ op: 'Add', path: 'members', value: [{ value: ada }] }),
    });
    expect(await next()).toEqual(['create ada@scope.example']);
    await scim.request('PATCH', `${GROUPS}/${staff}`, {
      body: patchOps({ op: 'Add', path: 'members', value: [{ value: ada }] }),
    });
    expect(await next()).toEqual([]);

    // Leaving one of two provisioning groups changes nothing; leaving the last one is a leave.
    await scim.request('PATCH', `${GROUPS}/${users}`, {
      body: patchOps({ op: 'remove', path: `members[value eq "${ada}"]` }),
    });
    expect(await next()).toEqual([]);
    await scim.request('PATCH', `${GROUPS}/${staff}`, {
      body: patchOps({ op: 'Remove', path: 'members', value: [{ $ref: null, value: ada }] }),
    });
    expect(await next()).toEqual(['delete ada@scope.example']);
    expect((await scim.request('GET', `/scim/v2/Users/${ada}`)).json.active).toBe(true);
  });

  it('a user in no provisioning group changes nothing in the Users API: updates and deactivations queue nothing', async () => {
    const scim = await scoped();
    const next = drain(scim);
    const bo = await user(scim, 'bo@scope.example');
    await scim.request('PATCH', `/scim/v2/Users/${bo}`, {
      body: patchOps({ op: 'replace', path: 'displayName', value: 'Bo' }),
    });
    await scim.request('PATCH', `/scim/v2/Users/${bo}`, {
      body: patchOps({ op: 'replace', path: 'active', value: false }),
    });
    expect(await scim.request('DELETE', `/scim/v2/Users/${bo}`)).toMatchObject({ statusCode: 204 });
    expect(await next()).toEqual([]);
  });

  it('an inactive member is not provisioned until active; a member deactivated leaves as usual', async () => {
    const scim = await scoped();
    const next = drain(scim);
    const cy = await user(scim, 'cy@scope.example', false);
    const group = (
      await scim.request('POST', GROUPS, { body: { displayName: 'Arize Users', members: [{ value: cy }] } })
    ).json.id;
    expect(group).toEqual(expect.any(String));
    expect(await next()).toEqual([]);
    await scim.request('PATCH', `/scim/v2/Users/${cy}`, {
      body: patchOps({ op: 'replace', path: 'active', value: true }),
    });
    expect(await next()).toEqual(['create cy@scope.example']);
    await scim.request('PATCH', `/scim/v2/Users/${cy}`, {
      body: patchOps({ op: 'replace', path: 'active', value: false }),
    });
    expect(await next()).toEqual(['delete cy@scope.example']);
  });

  it('a group renamed out of the scope, or deleted, deprovisions its members; renamed in, provisions them', async () => {
    const scim = await scoped();
    const next = drain(scim);
    const [di, ed] = [await user(scim, 'di@scope.example'), await user(scim, 'ed@scope.example')];
    const id = (
      await scim.request('POST', GROUPS, {
        body: { displayName: 'Contractors', members: [{ value: di }, { value: ed }] },
      })
    ).json.id;
    expect(await next()).toEqual([]);
    await scim.request('PATCH', `${GROUPS}/${id}`, {
      body: patchOps({ op: 'replace', path: 'displayName', value: 'Arize Users' }),
    });
    expect((await next()).sort()).toEqual(['create di@scope.example', 'create ed@scope.example']);
    await scim.request('PATCH', `${GROUPS}/${id}`, {
      body: patchOps({ op: 'replace', value: { id, displayName: 'Alumni' } }),
    });
    expect((await next()).sort()).toEqual(['delete di@scope.example', 'delete ed@scope.example']);
    await scim.request('PUT', `${GROUPS}/${id}`, { body: { displayName: 'Arize Users', members: [{ value: di }] } });
    expect(await next()).toEqual(['create di@scope.example']);
    expect((await scim.request('DELETE', `${GROUPS}/${id}`)).statusCode).toBe(204);
    expect(await next()).toEqual(['delete di@scope.example']);
  });

  it('when the queue fails, the group change answers 503; its retry settles what it left, queuing the leave once', async () => {
    const scim = await scoped();
    const next = drain(scim);
    const fay = await user(scim, 'fay@scope.example');
    const id = (await scim.request('POST', GROUPS, { body: { displayName: 'Arize Users', members: [{ value: fay }] } }))
      .json.id;
    expect(await next()).toEqual(['create fay@scope.example']);
    const queue = scim.memoryQueue;
    if (!queue) throw new Error('the test service has a memory queue');
    queue.failing = true;
    const removal = patchOps({ op: 'remove', path: `members[value eq "${fay}"]` });
    const refused = await scim.request('PATCH', `${GROUPS}/${id}`, { body: removal });
    expect(refused.statusCode).toBe(503);
    // The membership is gone, but the leave is not queued: Fay's settlement is noted on the group.
    expect((await scim.request('GET', `${GROUPS}/${id}`)).json.members).toEqual([]);
    expect(await next()).toEqual([]);
    queue.failing = false;
    // The retry changes no membership (Fay is no longer one), but settles her first.
    expect((await scim.request('PATCH', `${GROUPS}/${id}`, { body: removal })).statusCode).toBe(200);
    expect(await next()).toEqual(['delete fay@scope.example']);
    // Settled once: another write of the group queues nothing more.
    await scim.request('PATCH', `${GROUPS}/${id}`, { body: removal });
    expect(await next()).toEqual([]);
  });

  it('a settlement whose request is never retried is finished when the group is read (Entra reads it every cycle)', async () => {
    const scim = await scoped();
    const next = drain(scim);
    const kit = await user(scim, 'kit@scope.example');
    const id = (await scim.request('POST', GROUPS, { body: { displayName: 'Arize Users', members: [{ value: kit }] } }))
      .json.id;
    expect(await next()).toEqual(['create kit@scope.example']);
    const queue = scim.memoryQueue;
    if (!queue) throw new Error('the test service has a memory queue');
    queue.failing = true;
    const removal = patchOps({ op: 'remove', path: `members[value eq "${kit}"]` });
    expect((await scim.request('PATCH', `${GROUPS}/${id}`, { body: removal })).statusCode).toBe(503);
    queue.failing = false;
    expect((await scim.request('GET', `${GROUPS}/${id}?excludedAttributes=members`)).statusCode).toBe(200);
    expect(await next()).toEqual(['delete kit@scope.example']);
  });

  it('a rename out of the scope that failed part-way is finished by the retry (every member leaves)', async () => {
    const scim = await scoped();
    const next = drain(scim);
    const [gus, hal] = [await user(scim, 'gus@scope.example'), await user(scim, 'hal@scope.example')];
    const id = (
      await scim.request('POST', GROUPS, {
        body: { displayName: 'Arize Users', members: [{ value: gus }, { value: hal }] },
      })
    ).json.id;
    expect((await next()).sort()).toEqual(['create gus@scope.example', 'create hal@scope.example']);
    const queue = scim.memoryQueue;
    if (!queue) throw new Error('the test service has a memory queue');
    queue.failing = true;
    const rename = patchOps({ op: 'replace', path: 'displayName', value: 'Alumni' });
    expect((await scim.request('PATCH', `${GROUPS}/${id}`, { body: rename })).statusCode).toBe(503);
    queue.failing = false;
    expect((await scim.request('PATCH', `${GROUPS}/${id}`, { body: rename })).statusCode).toBe(200);
    expect((await next()).sort()).toEqual(['delete gus@scope.example', 'delete hal@scope.example']);
  });

  it('two provisioning groups left at once: the change settled last sees both, and the user leaves', async () => {
    const scim = await scoped();
    const next = drain(scim);
    const ivy = await user(scim, 'ivy@scope.example');
    const a = (await scim.request('POST', GROUPS, { body: { displayName: 'Arize Users', members: [{ value: ivy }] } }))
      .json.id;
    const b = (
      await scim.request('POST', GROUPS, {
        body: { displayName: 'All Staff', externalId: 'obj-all-staff', members: [{ value: ivy }] },
      })
    ).json.id;
    expect(await next()).toEqual(['create ivy@scope.example']);
    const removal = patchOps({ op: 'remove', path: 'members' });
    const answers = await Promise.all([
      scim.request('PATCH', `${GROUPS}/${a}`, { body: removal }),
      scim.request('PATCH', `${GROUPS}/${b}`, { body: removal }),
    ]);
    expect(answers.map((answer) => answer.statusCode)).toEqual([200, 200]);
    expect(await next()).toEqual(['delete ivy@scope.example']);
  });

  it('a user stored out of scope is provisioned by their next write once scoping is turned off', async () => {
    const scoping = await scoped();
    const jo = await user(scoping, 'jo@scope.example');
    // The same table, served without provisioning groups.
    const plain = await backend.createService({ tableName: scoping.tableName });
    await plain.request('PATCH', `/scim/v2/Users/${jo}`, {
      body: patchOps({ op: 'replace', path: 'displayName', value: 'Jo' }),
    });
    expect((await plain.commands()).map((c) => `${c.action} ${c.email}`)).toEqual(['create jo@scope.example']);
  });

  it('SCIM_PROVISIONING_GROUPS is read as a JSON array (names with commas) or a comma list; bad values are named', () => {
    const base = { SCIM_BEARER_TOKEN: 'x'.repeat(20) };
    expect(
      loadScimSettings({ ...base, SCIM_PROVISIONING_GROUPS: '["All Staff, EMEA", "Arize Users"]' }).config
        .provisioningGroups,
    ).toEqual(['All Staff, EMEA', 'Arize Users']);
    expect(
      loadScimSettings({ ...base, SCIM_PROVISIONING_GROUPS: 'Arize Users, obj-1' }).config.provisioningGroups,
    ).toEqual(['Arize Users', 'obj-1']);
    expect(loadScimSettings({ ...base, SCIM_PROVISIONING_GROUPS: ' ' }).config.provisioningGroups).toBeUndefined();
    expect(() => loadScimSettings({ ...base, SCIM_PROVISIONING_GROUPS: '["ok", ""]' })).toThrow(
      /SCIM_PROVISIONING_GROUPS.*empty/,
    );
    expect(() => loadScimSettings({ ...base, SCIM_PROVISIONING_GROUPS: '[1, 2' })).toThrow(/SCIM_PROVISIONING_GROUPS/);
  });
});
