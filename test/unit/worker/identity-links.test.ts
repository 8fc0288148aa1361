import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { createStateTable, type ProvisioningCommand } from '@idp-sync/contracts';
import { type LocalDynamoDb, localDynamoDbClient, startLocalDynamoDb } from '@idp-sync/local-stack';
import { IdentityResolver } from '@idp-sync/worker/applier';
import { BatchStateView, IdentityLinkRepository, identityLinkKey, PersonStateRepository } from '@idp-sync/worker/state';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { command } from '../../helpers/worker/records';

const TABLE = 'links-test';
let ddb: LocalDynamoDb;
let client: ReturnType<typeof localDynamoDbClient>;
let links: IdentityLinkRepository;
let people: PersonStateRepository;
let n = 0;
const id = () => `00u${++n}${Date.now().toString(36)}`;
const at = (second: number) => new Date(Date.UTC(2026, 5, 1, 9, 0, second)).toISOString();

beforeAll(async () => {
  ddb = await startLocalDynamoDb();
  client = localDynamoDbClient(ddb);
  await createStateTable(client, TABLE);
  links = new IdentityLinkRepository({ client, tableName: TABLE });
  people = new PersonStateRepository({ client, tableName: TABLE });
});
afterAll(async () => {
  await ddb.stop();
});

const resolver = () => new IdentityResolver({ links, state: new BatchStateView(people) });
const okta = (sourceUserId: string, overrides: Partial<ProvisioningCommand>) =>
  command({ source: 'okta', sourceUserId, ...overrides });

describe('identity links (state table)', () => {
  it('keys links by source and id, and reserved addresses by source and email (no existing key changes)', () => {
    expect(identityLinkKey({ source: 'workos', sourceUserId: 'directory_user_01' })).toEqual({
      pk: 'link#workos#directory_user_01',
      sk: 'link',
    });
  });

  it('a claim is won once: concurrent claims of one id under two addresses all return the same winner', async () => {
    const ref = { source: 'okta' as const, sourceUserId: id() };
    const results = await Promise.all(
      ['a@example.com', 'b@example.com', 'a@example.com', 'b@example.com'].map((email, i) =>
        links.claim(ref, email, `cmd-${i}`),
      ),
    );
    const winner = results[0]?.email;
    expect(results.map((r) => r.email)).toEqual([winner, winner, winner, winner]);
    expect((await links.get(ref))?.email).toBe(winner);
  });

  it('an address is reserved for one id of a source: again for that id (a retry), never for another', async () => {
    const email = `shared-${id()}@example.com`;
    const [x, y] = [id(), id()];
    expect(await links.reserveAddress('hr', email, x, 'c1')).toBe(true);
    expect(await links.reserveAddress('hr', email, x, 'c2')).toBe(true);
    expect(await links.reserveAddress('hr', email, y, 'c3')).toBe(false);
    // Another source's id may hold the same address: the same person is usually in several systems.
    expect(await links.reserveAddress('okta', email, y, 'c4')).toBe(true);
  });

  it('a move succeeds only from the address the mover read (or as a retry of itself)', async () => {
    const ref = { source: 'bamboohr' as const, sourceUserId: id() };
    await links.claim(ref, 'old@example.com', 'c1');
    expect(await links.move(ref, 'elsewhere@example.com', 'new@example.com', 'c2')).toBe(false);
    expect(await links.move(ref, 'old@example.com', 'new@example.com', 'c2')).toBe(true);
    expect(await links.move(ref, 'old@example.com', 'new@example.com', 'c2')).toBe(true);
    expect(await links.get(ref)).toMatchObject({ email: 'new@example.com', movedFrom: 'old@example.com' });
  });

  it('reads many links in one call; an id never seen is undefined', async () => {
    const known = { source: 'okta' as const, sourceUserId: id() };
    const unknown = { source: 'okta' as const, sourceUserId: id() };
    await links.claim(known, 'known@example.com', 'c1');
    const found = await links.getMany([known, unknown, known]);
    expect(found.get(`okta#${known.sourceUserId}`)?.email).toBe('known@example.com');
    expect(found.has(`okta#${unknown.sourceUserId}`)).toBe(true);
    expect(found.get(`okta#${unknown.sourceUserId}`)).toBeUndefined();
  });
});

describe('resolving a command’s stable id', () => {
  it('leaves a command without an id alone', async () => {
    const c = command({ email: `plain-${id()}@example.com` });
    expect(await resolver().resolve(c)).toEqual({ command: c, outcome: 'none' });
  });

  it('the first command of an id links it; a later one under another address follows to the linked account', async () => {
    const x = id();
    const old = `old-${x}@example.com`.toLowerCase();
    const first = okta(x, { action: 'create', email: old, occurredAt: at(1) });
    expect((await resolver().resolve(first)).outcome).toBe('claimed');

    const renamed = okta(x, { action: 'update', email: `new-${x}@example.com`.toLowerCase(), occurredAt: at(2) });
    const followed = await resolver().resolve(renamed);
    expect(followed.outcome).toBe('followed');
    expect(followed.command).toEqual({ ...renamed, email: old, unsupported: ['email'] });

    // The same id in another source is another person's id: not followed.
    const workos = command({ source: 'workos', sourceUserId: x, email: `w-${x}@example.com`.toLowerCase() });
    expect((await resolver().resolve(workos)).outcome).toBe('claimed');
  });

  it('a join under a new address follows a live account, but moves the link once that account was deleted', async () => {
    const x = id();
    const old = `p-${x}@example.com`.toLowerCase();
    const next = `q-${x}@example.com`.toLowerCase();
    await resolver().resolve(okta(x, { action: 'create', email: old, occurredAt: at(1) }));
    await people.recordApplied({ email: old, commandId: 'c1', occurredAt: at(1), userId: 'u1', status: 'INVITED' });
    expect((await resolver().resolve(okta(x, { action: 'create', email: next, occurredAt: at(2) }))).outcome).toBe(
      'followed',
    );

    await people.recordApplied({ email: old, commandId: 'c3', occurredAt: at(3), status: 'DELETED' });
    // A join older than the leave is not a return: it follows (and the applier finds it stale).
    const older = await resolver().resolve(okta(x, { action: 'create', email: next, occurredAt: at(2) }));
    expect(older).toMatchObject({ outcome: 'followed', command: { email: old } });
    const rehire = okta(x, { action: 'create', email: next, occurredAt: at(4) });
    expect(await resolver().resolve(rehire)).toEqual({ command: rehire, outcome: 'moved' });
    expect((await links.get({ source: 'okta', sourceUserId: x }))?.email).toBe(next);
    // Later commands of the id follow it to the new account.
    const leave = okta(x, { action: 'delete', email: old, occurredAt: at(5) });
    expect(await resolver().resolve(leave)).toMatchObject({ outcome: 'followed', command: { email: next } });
  });

  it('refuses to link an address another id of the same source holds: the command keeps its own email', async () => {
    const [x, y] = [id(), id()];
    const taken = `taken-${x}@example.com`.toLowerCase();
    await resolver().resolve(okta(x, { action: 'create', email: taken }));
    const careless = okta(y, { action: 'update', email: taken });
    expect(await resolver().resolve(careless)).toEqual({ command: careless, outcome: 'refused' });
    expect(await links.get({ source: 'okta', sourceUserId: y })).toBeUndefined();
    // Y's own address is then linked to Y alone: Y's later commands never reach X's account.
    const own = okta(y, { action: 'delete', email: `own-${y}@example.com`.toLowerCase() });
    expect(await resolver().resolve(own)).toEqual({ command: own, outcome: 'claimed' });
  });

  it('acts on the stored link, not on the batch’s first read, when the two disagree', async () => {
    const x = id();
    const ref = { source: 'okta' as const, sourceUserId: x };
    await links.claim(ref, `first-${x}@example.com`.toLowerCase(), 'c1');
    const batch = resolver();
    const later = okta(x, { action: 'update', email: `second-${x}@example.com`.toLowerCase() });
    await batch.prefetch([later]);
    // Another worker moves the link after the prefetch.
    expect(await links.move(ref, `first-${x}@example.com`.toLowerCase(), later.email, 'c2')).toBe(true);
    expect(await batch.resolve(later)).toEqual({ command: later, outcome: 'same' });
  });

  it('writes nothing but the two link items (pk link#… and link-email#…)', async () => {
    const x = id();
    const email = `items-${x}@example.com`.toLowerCase();
    await resolver().resolve(command({ source: 'hr', sourceUserId: x, email }));
    const documents = DynamoDBDocumentClient.from(client);
    const doc = (key: Record<string, string>) => documents.send(new GetCommand({ TableName: TABLE, Key: key }));
    expect((await doc({ pk: `link#hr#${x}`, sk: 'link' })).Item).toMatchObject({ email, sourceUserId: x });
    expect((await doc({ pk: `link-email#hr#${email}`, sk: 'link' })).Item).toMatchObject({ sourceUserId: x });
  });
});
