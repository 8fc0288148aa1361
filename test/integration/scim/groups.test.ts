import { DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { groupValuesOfSource, parseRolePolicy, personStateKey, type RolePolicyRule } from '@idp-sync/contracts';
import { SCIM_MAX_MEMBERS_PER_REQUEST } from '@idp-sync/scim/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ScimBackend, type ScimTestService, startScimBackend } from '../../helpers/scim/harness';
import { PATCH_OP } from '../../helpers/scim/microsoft-docs';

// Issue #18: SCIM Groups — the request sequences Microsoft documents for Entra's group provisioning and Okta documents
// for group push, on dynalite; memberships recorded on the person items the worker's role policy reads.

const GROUPS = '/scim/v2/Groups';
const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const patchOps = (...operations: unknown[]) => ({ schemas: [PATCH_OP], Operations: operations });
const filterGroups = (filter: string, extra = '') => `${GROUPS}?filter=${encodeURIComponent(filter)}${extra}`;

let backend: ScimBackend;
let doc: DynamoDBDocumentClient;
beforeAll(async () => {
  backend = await startScimBackend();
  doc = DynamoDBDocumentClient.from(backend.dynamoDbClient);
});
afterAll(async () => {
  await backend.stop();
});

async function user(scim: ScimTestService, email: string, active = true): Promise<string> {
  const created = await scim.request('POST', '/scim/v2/Users', {
    body: { userName: email, active, emails: [{ value: email, type: 'work', primary: true }], displayName: email },
  });
  expect(created.statusCode).toBe(201);
  return created.json.id as string;
}

/**
 * The groups SCIM recorded on a person's state item (what the worker's role policy reads at a SCIM create), untagged;
 * every value on the item must be SCIM's (`scim:`-tagged).
 */
async function recordedGroups(scim: ScimTestService, email: string): Promise<string[] | undefined> {
  const out = await doc.send(new GetCommand({ TableName: scim.tableName, Key: personStateKey(email) }));
  const groups = out.Item?.groups;
  if (!(groups instanceof Set)) return undefined;
  const raw = [...groups] as string[];
  expect(raw.every((value) => value.startsWith('scim:'))).toBe(true);
  return groupValuesOfSource('scim', raw).sort();
}

describe("Entra's documented group requests", () => {
  it('create, get without members, find by displayName, rename, add and remove members, check membership, delete', async () => {
    const scim = await backend.createService();
    const ada = await user(scim, 'ada@contoso.com');
    // Create Group: Entra sends no members (they follow by PATCH), its object id as externalId, and meta.
    const created = await scim.request('POST', GROUPS, {
      body: {
        schemas: [GROUP_SCHEMA, 'http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group'],
        externalId: '8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159',
        displayName: 'displayName',
        meta: { resourceType: 'Group' },
      },
    });
    expect(created.statusCode).toBe(201);
    const id = created.json.id as string;
    expect(created.json).toMatchObject({
      schemas: expect.arrayContaining([GROUP_SCHEMA]),
      externalId: '8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159',
      displayName: 'displayName',
      members: [],
      meta: { resourceType: 'Group', location: `/scim/v2/Groups/${id}` },
    });
    expect(created.headers.location).toBe(`/scim/v2/Groups/${id}`);

    // Get Group, excluding members.
    const got = await scim.request('GET', `${GROUPS}/${id}?excludedAttributes=members`);
    expect(got.statusCode).toBe(200);
    expect(got.json).not.toHaveProperty('members');
    expect(got.json.displayName).toBe('displayName');

    // Get Group by displayName.
    const byName = await scim.request(
      'GET',
      filterGroups('displayName eq "displayName"', '&excludedAttributes=members'),
    );
    expect(byName.json).toMatchObject({ totalResults: 1, Resources: [{ id, displayName: 'displayName' }] });
    expect(byName.json.Resources[0]).not.toHaveProperty('members');
    expect((await scim.request('GET', filterGroups('displayName eq "nobody"'))).json.totalResults).toBe(0);

    // Update Group [Non-member attributes].
    const renamed = await scim.request('PATCH', `${GROUPS}/${id}`, {
      body: patchOps({
        op: 'Replace',
        path: 'displayName',
        value: '1879db59-3bdf-4490-ad68-ab880a269474updatedDisplayName',
      }),
    });
    expect(renamed.statusCode).toBe(200);
    expect(renamed.json.displayName).toBe('1879db59-3bdf-4490-ad68-ab880a269474updatedDisplayName');

    // Update Group [Add Members].
    const added = await scim.request('PATCH', `${GROUPS}/${id}`, {
      body: patchOps({ op: 'Add', path: 'members', value: [{ $ref: null, value: ada }] }),
    });
    expect(added.statusCode).toBe(200);
    expect(added.json.members).toEqual([{ value: ada, $ref: `/scim/v2/Users/${ada}` }]);
    expect(await recordedGroups(scim, 'ada@contoso.com')).toEqual([
      '1879db59-3bdf-4490-ad68-ab880a269474updatedDisplayName',
      '8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159',
    ]);

    // Entra's membership check: the group by id and member, excluding members.
    const check = (who: string) =>
      scim.request('GET', filterGroups(`id eq "${id}" and members[value eq "${who}"]`, '&excludedAttributes=members'));
    expect((await check(ada)).json.totalResults).toBe(1);
    expect((await check('00000000-0000-0000-0000-000000000000')).json.totalResults).toBe(0);

    // Update Group [Remove Members].
    const removed = await scim.request('PATCH', `${GROUPS}/${id}`, {
      body: patchOps({ op: 'Remove', path: 'members', value: [{ $ref: null, value: ada }] }),
    });
    expect(removed.json.members).toEqual([]);
    expect((await check(ada)).json.totalResults).toBe(0);
    expect(await recordedGroups(scim, 'ada@contoso.com')).toBeUndefined();

    // Delete Group.
    expect((await scim.request('DELETE', `${GROUPS}/${id}`)).statusCode).toBe(204);
    expect((await scim.request('GET', `${GROUPS}/${id}`)).statusCode).toBe(404);
    // Its name is free again.
    const again = await scim.request('POST', GROUPS, {
      body: { schemas: [GROUP_SCHEMA], displayName: '1879db59-3bdf-4490-ad68-ab880a269474updatedDisplayName' },
    });
    expect(again.statusCode).toBe(201);
  });

  it('answers 204 to a group PATCH with SCIM_PATCH_RESPONSE=no-content', async () => {
    const scim = await backend.createService({ config: { patchResponse: 'no-content' } });
    const id = (await scim.request('POST', GROUPS, { body: { displayName: 'Quiet' } })).json.id;
    const patched = await scim.request('PATCH', `${GROUPS}/${id}`, {
      body: patchOps({ op: 'Replace', path: 'displayName', value: 'Quieter' }),
    });
    expect(patched.statusCode).toBe(204);
    expect((await scim.request('GET', `${GROUPS}/${id}`)).json.displayName).toBe('Quieter');
  });
});

describe("Okta's documented group push requests", () => {
  it('list, create, get, find by name, rename, change membership by PATCH, replace by PUT, delete', async () => {
    const scim = await backend.createService();
    const [one, two, three] = [
      await user(scim, 'one@okta.example'),
      await user(scim, 'two@okta.example'),
      await user(scim, 'three@okta.example'),
    ];
    const empty = await scim.request('GET', `${GROUPS}?startIndex=1&count=100`);
    expect(empty.json).toMatchObject({ totalResults: 0, startIndex: 1, itemsPerPage: 0, Resources: [] });

    const created = await scim.request('POST', GROUPS, {
      body: { schemas: [GROUP_SCHEMA], displayName: 'Test SCIMv2', members: [] },
    });
    expect(created.statusCode).toBe(201);
    const id = created.json.id as string;
    expect((await scim.request('GET', `${GROUPS}/${id}`)).json).toMatchObject({ id, displayName: 'Test SCIMv2' });
    // Okta looks a pushed group up by name first; names compare case-insensitively.
    const found = await scim.request('GET', filterGroups('displayName eq "test scimv2"', '&startIndex=1&count=100'));
    expect(found.json).toMatchObject({ totalResults: 1, Resources: [{ id }] });

    // Update Specific Group Name: path-less replace carrying the group's own id.
    const renamed = await scim.request('PATCH', `${GROUPS}/${id}`, {
      body: patchOps({ op: 'replace', value: { id, displayName: 'Arize Admins' } }),
    });
    expect(renamed.json).toMatchObject({ id, displayName: 'Arize Admins' });

    // Update Specific Group Membership: a remove by value filter and an add, in one request.
    await scim.request('PATCH', `${GROUPS}/${id}`, {
      body: patchOps({ op: 'add', path: 'members', value: [{ value: one, display: 'one@okta.example' }] }),
    });
    const changed = await scim.request('PATCH', `${GROUPS}/${id}`, {
      body: patchOps(
        { op: 'remove', path: `members[value eq "${one}"]` },
        { op: 'add', path: 'members', value: [{ value: two, display: 'two@okta.example' }] },
      ),
    });
    expect(changed.json.members.map((m: { value: string }) => m.value)).toEqual([two]);
    expect(changed.json.members[0].display).toBe('two@okta.example');
    expect(await recordedGroups(scim, 'one@okta.example')).toBeUndefined();
    expect(await recordedGroups(scim, 'two@okta.example')).toEqual(['Arize Admins']);

    // A wizard (SCIM template) app sends the whole group by PUT: members replaced, name included.
    const put = await scim.request('PUT', `${GROUPS}/${id}`, {
      body: {
        schemas: [GROUP_SCHEMA],
        id,
        displayName: 'Arize Admins',
        members: [
          { value: three, display: 'three@okta.example' },
          { value: one, display: 'one@okta.example' },
        ],
      },
    });
    expect(put.statusCode).toBe(200);
    expect(put.json.members.map((m: { value: string }) => m.value).sort()).toEqual([one, three].sort());
    expect(await recordedGroups(scim, 'two@okta.example')).toBeUndefined();
    expect(await recordedGroups(scim, 'three@okta.example')).toEqual(['Arize Admins']);

    const listed = await scim.request('GET', `${GROUPS}?startIndex=1&count=100`);
    expect(listed.json).toMatchObject({ totalResults: 1, itemsPerPage: 1 });
    expect(listed.json.Resources[0].members).toHaveLength(2);

    expect((await scim.request('DELETE', `${GROUPS}/${id}`)).statusCode).toBe(204);
    expect(await recordedGroups(scim, 'one@okta.example')).toBeUndefined();
    expect(await recordedGroups(scim, 'three@okta.example')).toBeUndefined();
  });
});

describe('memberships and the role policy', () => {
  it('a rename moves every member to the new name; the externalId stays recorded', async () => {
    const scim = await backend.createService();
    const ada = await user(scim, 'ada@rename.example');
    const grace = await user(scim, 'grace@rename.example');
    const id = (
      await scim.request('POST', GROUPS, {
        body: { displayName: 'Data', externalId: 'obj-1', members: [{ value: ada }, { value: grace }] },
      })
    ).json.id;
    expect(await recordedGroups(scim, 'ada@rename.example')).toEqual(['Data', 'obj-1']);
    await scim.request('PATCH', `${GROUPS}/${id}`, {
      body: patchOps({ op: 'replace', path: 'displayName', value: 'Data Science' }),
    });
    expect(await recordedGroups(scim, 'ada@rename.example')).toEqual(['Data Science', 'obj-1']);
    expect(await recordedGroups(scim, 'grace@rename.example')).toEqual(['Data Science', 'obj-1']);
  });

  it('replace and remove-all of members (RFC 7644), and a removal by another attribute than value', async () => {
    const scim = await backend.createService();
    const [a, b, c] = [
      await user(scim, 'a@rfc.example'),
      await user(scim, 'b@rfc.example'),
      await user(scim, 'c@rfc.example'),
    ];
    const id = (await scim.request('POST', GROUPS, { body: { displayName: 'RFC', members: [{ value: a }] } })).json.id;
    const replaced = await scim.request('PATCH', `${GROUPS}/${id}`, {
      body: patchOps({ op: 'replace', path: 'members', value: [{ value: b, display: 'Bee' }, { value: c }] }),
    });
    expect(replaced.json.members.map((m: { value: string }) => m.value).sort()).toEqual([b, c].sort());
    expect(await recordedGroups(scim, 'a@rfc.example')).toBeUndefined();
    const byDisplay = await scim.request('PATCH', `${GROUPS}/${id}`, {
      body: patchOps({ op: 'remove', path: 'members[display eq "Bee"]' }),
    });
    expect(byDisplay.json.members.map((m: { value: string }) => m.value)).toEqual([c]);
    const none = await scim.request('PATCH', `${GROUPS}/${id}`, { body: patchOps({ op: 'remove', path: 'members' }) });
    expect(none.json.members).toEqual([]);
    expect(await recordedGroups(scim, 'c@rfc.example')).toBeUndefined();
  });

  it('a member that is not a user here is kept as the client sent it, and provisions nothing', async () => {
    const scim = await backend.createService();
    // Microsoft's reference collection adds bare strings as members and expects success.
    const id = (await scim.request('POST', GROUPS, { body: { displayName: 'Garbage' } })).json.id;
    const patched = await scim.request('PATCH', `${GROUPS}/${id}`, {
      body: patchOps({ op: 'add', path: 'members', value: 'string id 1' }),
    });
    expect(patched.statusCode).toBe(200);
    expect(patched.json.members).toEqual([expect.objectContaining({ value: 'string id 1' })]);
    expect(await scim.commands()).toEqual([]);
  });

  it('a user who is deleted leaves their groups, and their person item forgets them', async () => {
    const scim = await backend.createService();
    const ada = await user(scim, 'ada@leaver.example');
    const id = (await scim.request('POST', GROUPS, { body: { displayName: 'Leavers', members: [{ value: ada }] } }))
      .json.id;
    expect(await recordedGroups(scim, 'ada@leaver.example')).toEqual(['Leavers']);
    expect((await scim.request('DELETE', `/scim/v2/Users/${ada}`)).statusCode).toBe(204);
    expect((await scim.request('GET', `${GROUPS}/${id}`)).json.members).toEqual([]);
    expect(await recordedGroups(scim, 'ada@leaver.example')).toBeUndefined();
  });

  it('a members path qualified with the Group schema URN is the members path', async () => {
    const scim = await backend.createService();
    const ada = await user(scim, 'ada@urn.example');
    const id = (await scim.request('POST', GROUPS, { body: { displayName: 'Qualified', members: [{ value: ada }] } }))
      .json.id;
    const removed = await scim.request('PATCH', `${GROUPS}/${id}`, {
      body: patchOps({ op: 'remove', path: `${GROUP_SCHEMA}:members[value eq "${ada}"]` }),
    });
    expect(removed.json.members).toEqual([]);
    const renamed = await scim.request('PATCH', `${GROUPS}/${id}`, {
      body: patchOps({ op: 'replace', path: `${GROUP_SCHEMA}:displayName`, value: 'Qualified Too' }),
    });
    expect(renamed.json.displayName).toBe('Qualified Too');
  });

  it('a change cut short keeps its progress: settled users are not settled again, the rest are by the next read', async () => {
    const scim = await backend.createService();
    const [ann, bob] = [await user(scim, 'ann@progress.example'), await user(scim, 'bob@progress.example')];
    const id = (await scim.request('POST', GROUPS, { body: { displayName: 'Progress' } })).json.id;
    // One person item is written, the other's write fails.
    scim.faults.personGroupsAfter = 1;
    scim.faults.personGroups = 1;
    const cut = await scim.request('PATCH', `${GROUPS}/${id}`, {
      body: patchOps({ op: 'add', path: 'members', value: [{ value: ann }, { value: bob }] }),
    });
    expect(cut.statusCode).toBe(503);
    const left = await scim.groupStore.pendingSettlements(id);
    expect(left).toHaveLength(1);
    expect([ann, bob]).toContain(left[0]?.userId);
    expect((await scim.request('GET', `${GROUPS}/${id}`)).statusCode).toBe(200);
    expect(await scim.groupStore.pendingSettlements(id)).toEqual([]);
    expect(await recordedGroups(scim, 'ann@progress.example')).toEqual(['Progress']);
    expect(await recordedGroups(scim, 'bob@progress.example')).toEqual(['Progress']);
  });

  it('a POST retried after a 503 part-way (same name and externalId) finishes that group: 201, not 409', async () => {
    const scim = await backend.createService();
    const ada = await user(scim, 'ada@retry.example');
    const body = { displayName: 'Retried', externalId: 'obj-retried', members: [{ value: ada }] };
    // The person item cannot be written (a throttled table, say): the POST fails after the group was stored.
    scim.faults.personGroups = 1;
    const first = await scim.request('POST', GROUPS, { body });
    expect(first.statusCode).toBe(503);
    const again = await scim.request('POST', GROUPS, { body });
    expect(again.statusCode).toBe(201);
    expect(again.json.members).toEqual([expect.objectContaining({ value: ada })]);
    expect(await recordedGroups(scim, 'ada@retry.example')).toEqual(['Retried', 'obj-retried']);
    // A different group of the same name is still refused.
    expect(
      (await scim.request('POST', GROUPS, { body: { displayName: 'Retried', externalId: 'obj-other' } })).statusCode,
    ).toBe(409);
  });

  it('a membership that would change an existing account’s role is reported, without the email', async () => {
    const policy = parseRolePolicy(
      JSON.stringify({ rules: [{ when: { source: 'scim', group: 'Arize Admins' }, role: 'ADMIN' }] }),
    );
    if ('problems' in policy) throw new Error(policy.problems.join('; '));
    const rules: RolePolicyRule[] = policy.rules;
    const scim = await backend.createService({ rolePolicy: rules });
    const ada = await user(scim, 'ada@roles.example');
    const newcomer = await user(scim, 'newcomer@roles.example');
    // The worker has created Ada's account (her state item has a status); the newcomer's create is still queued.
    await doc.send(
      new UpdateCommand({
        TableName: scim.tableName,
        Key: personStateKey('ada@roles.example'),
        UpdateExpression: 'SET #status = :active',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':active': 'ACTIVE' },
      }),
    );
    await scim.request('POST', GROUPS, {
      body: { displayName: 'Arize Admins', members: [{ value: ada }, { value: newcomer }] },
    });
    expect(scim.metrics.get('ScimRoleChangeUnsupported')).toBe(1);
    const warning = scim.logs.find((line) => line.message.includes('would change an existing account'));
    expect(warning?.attributes).toMatchObject({ userId: ada, toRule: 0 });
    expect(JSON.stringify(scim.logs)).not.toContain('ada@roles.example');
    // The newcomer's create will read the group: recorded, nothing to report.
    expect(await recordedGroups(scim, 'newcomer@roles.example')).toEqual(['Arize Admins']);
  });
});

describe('bad group requests get a clear 4xx and change nothing', () => {
  let scim: ScimTestService;
  beforeAll(async () => {
    scim = await backend.createService();
  });

  it('a displayName is required and unique (case-insensitively): 400, then 409 uniqueness', async () => {
    const missing = await scim.request('POST', GROUPS, { body: { schemas: [GROUP_SCHEMA], members: [] } });
    expect(missing.statusCode).toBe(400);
    expect(missing.json.detail).toContain('displayName');
    expect((await scim.request('POST', GROUPS, { body: { displayName: 'Unique' } })).statusCode).toBe(201);
    const duplicate = await scim.request('POST', GROUPS, { body: { displayName: 'UNIQUE' } });
    expect(duplicate.statusCode).toBe(409);
    expect(duplicate.json.scimType).toBe('uniqueness');
    expect((await scim.request('GET', filterGroups('displayName eq "unique"'))).json.totalResults).toBe(1);
  });

  it('a rename onto another group’s name is 409 and leaves both groups as they were', async () => {
    const first = (await scim.request('POST', GROUPS, { body: { displayName: 'First' } })).json.id;
    await scim.request('POST', GROUPS, { body: { displayName: 'Second' } });
    const clash = await scim.request('PATCH', `${GROUPS}/${first}`, {
      body: patchOps({ op: 'replace', path: 'displayName', value: 'second' }),
    });
    expect(clash.statusCode).toBe(409);
    expect((await scim.request('GET', `${GROUPS}/${first}`)).json.displayName).toBe('First');
  });

  it('unknown ids are 404; a filtered add is 400 invalidPath; remove without a path is 400 noTarget', async () => {
    expect((await scim.request('GET', `${GROUPS}/nope`)).statusCode).toBe(404);
    expect(
      (await scim.request('PATCH', `${GROUPS}/nope`, { body: patchOps({ op: 'remove', path: 'members' }) })).statusCode,
    ).toBe(404);
    expect((await scim.request('DELETE', `${GROUPS}/nope`)).statusCode).toBe(404);
    const id = (await scim.request('POST', GROUPS, { body: { displayName: 'Paths' } })).json.id;
    const filteredAdd = await scim.request('PATCH', `${GROUPS}/${id}`, {
      body: patchOps({ op: 'add', path: 'members[value eq "x"]', value: [{ value: 'x' }] }),
    });
    expect(filteredAdd.json).toMatchObject({ status: '400', scimType: 'invalidPath' });
    const noPath = await scim.request('PATCH', `${GROUPS}/${id}`, { body: patchOps({ op: 'remove' }) });
    expect(noPath.json).toMatchObject({ status: '400', scimType: 'noTarget' });
    const badMember = await scim.request('PATCH', `${GROUPS}/${id}`, {
      body: patchOps({ op: 'add', path: 'members', value: [{ display: 'no value' }] }),
    });
    expect(badMember.json).toMatchObject({ status: '400', scimType: 'invalidValue' });
    expect(badMember.json.detail).toContain('value');
  });

  it(`more than ${SCIM_MAX_MEMBERS_PER_REQUEST} members in one request is 400, nothing written`, async () => {
    const members = Array.from({ length: SCIM_MAX_MEMBERS_PER_REQUEST + 1 }, (_, i) => ({ value: `u${i}` }));
    const response = await scim.request('POST', GROUPS, { body: { displayName: 'Huge', members } });
    expect(response.statusCode).toBe(400);
    expect(response.json.detail).toMatch(/at most 10000/);
    expect((await scim.request('GET', filterGroups('displayName eq "Huge"'))).json.totalResults).toBe(0);
  });

  it('a group too large for one item is 413, not a 503 to retry forever', async () => {
    const response = await scim.request('POST', GROUPS, {
      body: { displayName: 'Verbose', description: 'x'.repeat(400 * 1024) },
    });
    expect(response.statusCode).toBe(413);
    expect(response.json.detail).toMatch(/at most/);
  });

  it('a displayName pointer left by a POST in flight is not taken over; an old orphaned one is', async () => {
    const groups = scim.groupStore;
    // A POST that claimed the name and has not written its group yet.
    expect(await groups.claimDisplayName('In Flight', 'someone-elses-id')).toBe(true);
    expect((await scim.request('POST', GROUPS, { body: { displayName: 'In Flight' } })).statusCode).toBe(409);
    // A pointer whose group never came (a crash), claimed long ago.
    await doc.send(
      new PutCommand({
        TableName: scim.tableName,
        Item: { pk: 'scim-groupname#orphaned', sk: 'ref', groupId: 'gone', claimedAt: Date.now() - 3_600_000 },
      }),
    );
    expect((await scim.request('POST', GROUPS, { body: { displayName: 'Orphaned' } })).statusCode).toBe(201);
  });

  it('lists groups through their index: an index item whose group is gone is skipped', async () => {
    const listed = async () =>
      (await scim.request('GET', `${GROUPS}?startIndex=1&count=100`)).json.totalResults as number;
    const before = await listed();
    await doc.send(
      new PutCommand({ TableName: scim.tableName, Item: { pk: 'scim-groups', sk: 'group#gone', groupId: 'gone' } }),
    );
    expect(await listed()).toBe(before);
    const id = (await scim.request('POST', GROUPS, { body: { displayName: 'Indexed' } })).json.id;
    expect(await listed()).toBe(before + 1);
    await scim.request('DELETE', `${GROUPS}/${id}`);
    expect(await listed()).toBe(before);
  });

  it('a prototype key in a group body is refused', async () => {
    const response = await scim.request('POST', GROUPS, {
      body: '{"displayName":"Proto","members":[{"value":"x","__proto__":{"polluted":true}}]}',
    });
    expect(response.statusCode).toBe(400);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
