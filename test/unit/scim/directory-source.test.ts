import { type ScimUserRecord, scimDirectorySource } from '@idp-sync/scim/service';
import { describe, expect, it } from 'vitest';

function record(
  id: string,
  fields: Partial<ScimUserRecord> & { resource?: ScimUserRecord['resource'] },
): ScimUserRecord {
  return {
    id,
    userName: `${id}@example.com`,
    resource: {},
    active: true,
    provisioned: true,
    state: 'ok',
    created: '2026-12-01T00:00:00.000Z',
    lastModified: '2026-12-01T00:00:00.000Z',
    version: 1,
    outbox: [],
    origin: 'scim',
    pointerKeys: [],
    ...fields,
  } as ScimUserRecord;
}

async function peopleOf(records: ScimUserRecord[]) {
  const people = [];
  for await (const person of scimDirectorySource({ scan: async () => records }).people()) people.push(person);
  return people;
}

describe('the SCIM store as a source of truth (reconcile --from scim)', () => {
  it('one person per provisioned email, with the name, active flag and SCIM id', async () => {
    const people = await peopleOf([
      record('1', {
        personEmail: 'ada@example.com',
        resource: { displayName: 'Ada Lovelace', userName: 'Ada@Example.com' },
      }),
      record('2', {
        active: false,
        resource: { userName: 'Alan@Example.com', name: { givenName: 'Alan', familyName: 'Turing' } },
      }),
      record('3', { resource: { userName: 'no email at all' } }),
    ]);
    expect(people).toEqual([
      { email: 'ada@example.com', name: 'Ada Lovelace', active: true, sourceUserId: '1' },
      expect.objectContaining({ email: 'alan@example.com', active: false, sourceUserId: '2' }),
    ]);
  });

  it('two SCIM users under one address: the active one speaks for the person, whatever the order', async () => {
    const gone = record('old', { personEmail: 'grace@example.com', active: false });
    const back = record('new', { personEmail: 'grace@example.com', active: true });
    expect(await peopleOf([gone, back])).toEqual([expect.objectContaining({ sourceUserId: 'new', active: true })]);
    expect(await peopleOf([back, gone])).toEqual([expect.objectContaining({ sourceUserId: 'new', active: true })]);
  });
});
