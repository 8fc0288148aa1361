import { createHash } from 'node:crypto';
import {
  assertPersonTagsUnambiguous,
  type DlqEntry,
  isEmptyFilter,
  matchesFilter,
  parseFilter,
  personTaggerFrom,
  publicPersonTagger,
  toDlqEntry,
  toRow,
  UsageError,
} from '@idp-sync/cli';
import { messageGroupIdFor } from '@idp-sync/contracts';
import { describe, expect, it } from 'vitest';

function entry(overrides: Partial<DlqEntry> = {}): DlqEntry {
  return {
    ...toDlqEntry({ MessageId: 'm-1', ReceiptHandle: 'r', Body: 'x' }),
    commandId: 'okta:1',
    source: 'okta',
    action: 'create',
    email: 'alice@example.com',
    groupId: 'alice@example.com',
    reason: 'ConflictError: a user with this email already exists',
    httpStatus: 409,
    failedAt: '2026-11-26T10:00:00.000Z',
    ...overrides,
  };
}

describe('parseFilter', () => {
  const now = new Date('2026-11-26T12:00:00.000Z');

  it('accepts durations ago and RFC 3339 times', () => {
    expect(parseFilter({ since: '2h' }, now).since?.toISOString()).toBe('2026-11-26T10:00:00.000Z');
    expect(parseFilter({ since: '30m' }, now).since?.toISOString()).toBe('2026-11-26T11:30:00.000Z');
    expect(parseFilter({ until: '1d' }, now).until?.toISOString()).toBe('2026-11-25T12:00:00.000Z');
    expect(parseFilter({ since: '2026-11-26T09:00:00+01:00' }, now).since?.toISOString()).toBe(
      '2026-11-26T08:00:00.000Z',
    );
  });

  it('refuses a --email that only Unicode case mapping turns into another address (issue #14)', () => {
    // "\u212Aate" (KELVIN SIGN) lower-cases to "kate": it must not select kate@example.com's messages.
    expect(() => parseFilter({ email: ['\u212Aate@example.com'] }, now)).toThrow(/not an email address \(.*ASCII/);
  });

  it('normalises emails and status classes', () => {
    const filter = parseFilter({ email: ['  Alice@Example.COM '], status: ['5xx', '409'] }, now);
    expect(filter.emails).toEqual(['alice@example.com']);
    expect(filter.statuses).toEqual([{ klass: 5 }, { exact: 409 }]);
  });

  it.each([
    [{ action: ['nuke'] }, /not an action/],
    [{ source: ['ldap'] }, /not a source/],
    [{ status: ['600'] }, /not an HTTP status/],
    [{ status: ['4x'] }, /not an HTTP status/],
    [{ email: ['alice'] }, /not an email/],
    [{ since: 'last week' }, /neither a date nor a duration/],
    [{ until: '2026-13-45' }, /neither a date nor a duration/],
    [{ since: '1h', until: '2h' }, /--since is after --until/],
    [{ reason: '   ' }, /--reason is empty/],
    [{ person: ['alice@example.com'] }, /not a person tag/],
    [{ person: ['3f9a1c2'] }, /not a person tag/],
  ])('rejects %j as bad usage', (raw, message) => {
    expect(() => parseFilter(raw, now)).toThrow(UsageError);
    expect(() => parseFilter(raw, now)).toThrow(message);
  });

  it('knows when nothing narrows the selection', () => {
    expect(isEmptyFilter(parseFilter({}))).toBe(true);
    expect(isEmptyFilter(parseFilter({ id: ['x'] }))).toBe(false);
  });
});

describe('matchesFilter', () => {
  const m = (raw: Parameters<typeof parseFilter>[0], e: DlqEntry) => matchesFilter(parseFilter(raw), e);

  it('ANDs flags and ORs repeated values', () => {
    const e = entry();
    expect(m({ action: ['delete', 'create'], source: ['okta'] }, e)).toBe(true);
    expect(m({ action: ['create'], source: ['hr'] }, e)).toBe(false);
  });

  it('matches the reason as a case-insensitive substring', () => {
    expect(m({ reason: 'conflicterror' }, entry())).toBe(true);
    expect(m({ reason: 'timeout' }, entry())).toBe(false);
  });

  it('matches statuses exactly or by class, and never a message without one', () => {
    expect(m({ status: ['4xx'] }, entry())).toBe(true);
    expect(m({ status: ['409'] }, entry())).toBe(true);
    expect(m({ status: ['5xx'] }, entry())).toBe(false);
    expect(m({ status: ['4xx'] }, entry({ httpStatus: undefined }))).toBe(false);
  });

  it('matches a very long email by its hashed group id when the body is unreadable', () => {
    const long = `${'a'.repeat(200)}@example.com`;
    const e = entry({ email: undefined, groupId: messageGroupIdFor(long) });
    expect(m({ email: [long] }, e)).toBe(true);
    expect(m({ email: ['bob@example.com'] }, e)).toBe(false);
  });

  it('bounds failedAt inclusively, and excludes messages with no time', () => {
    expect(m({ since: '2026-11-26T10:00:00Z', until: '2026-11-26T10:00:00Z' }, entry())).toBe(true);
    expect(m({ since: '2026-11-26T10:00:01Z' }, entry())).toBe(false);
    expect(m({ since: '2000-01-01' }, entry({ failedAt: undefined }))).toBe(false);
  });

  it('matches --id against the command id or the DLQ message id', () => {
    expect(m({ id: ['okta:1'] }, entry())).toBe(true);
    expect(m({ id: ['m-1'] }, entry())).toBe(true);
    expect(m({ id: ['okta:2'] }, entry())).toBe(false);
  });
});

describe('person tags (--person)', () => {
  const alice = entry();
  const aliceTag = publicPersonTagger('alice@example.com');

  it('gives a person the same 8-character tag on every call and in every row of theirs, and others another', () => {
    expect(aliceTag).toMatch(/^[0-9a-f]{8}$/);
    expect(personTaggerFrom({})('alice@example.com')).toBe(aliceTag);
    expect(toRow(alice, { showEmails: false }).personTag).toBe(aliceTag);
    expect(toRow(alice, { showEmails: true }).personTag).toBe(aliceTag);
    expect(publicPersonTagger('albert@example.com')).not.toBe(aliceTag);
  });

  it('is not the plain SHA-256 of the address, and a per-deployment key changes it', () => {
    expect(createHash('sha256').update('alice@example.com').digest('hex')).not.toContain(aliceTag);
    const keyed = personTaggerFrom({ IDP_SYNC_PERSON_TAG_KEY: 'k'.repeat(16) });
    expect(keyed('alice@example.com')).not.toBe(aliceTag);
    expect(keyed('alice@example.com')).toBe(
      personTaggerFrom({ IDP_SYNC_PERSON_TAG_KEY: 'k'.repeat(16) })('alice@example.com'),
    );
  });

  it('refuses a key too short to be a secret, and says how to make one', () => {
    expect(() => personTaggerFrom({ IDP_SYNC_PERSON_TAG_KEY: 'short' })).toThrow(UsageError);
    expect(() => personTaggerFrom({ IDP_SYNC_PERSON_TAG_KEY: 'short' })).toThrow(/shorter than 16 characters/);
  });

  it('selects by tag (case and a leading # ignored), also a message whose body is unreadable (its group only)', () => {
    const m = (person: string[], e: DlqEntry) => matchesFilter(parseFilter({ person }), e);
    expect(m([aliceTag], alice)).toBe(true);
    expect(m([`#${aliceTag.toUpperCase()}`], alice)).toBe(true);
    expect(m([aliceTag], entry({ email: undefined, groupId: 'alice@example.com', commandId: undefined }))).toBe(true);
    expect(m([aliceTag], entry({ email: 'bob@example.com', groupId: 'bob@example.com' }))).toBe(false);
    expect(isEmptyFilter(parseFilter({ person: [aliceTag] }))).toBe(false);
  });

  it('refuses a tag that names two people among the messages read (a collision), and says to use --email', () => {
    const colliding = () => 'deadbeef';
    const filter = parseFilter({ person: ['deadbeef'] }, new Date(), colliding);
    const bob = entry({ email: 'bob@example.com', groupId: 'bob@example.com' });
    expect(() => assertPersonTagsUnambiguous(filter, [alice, alice])).not.toThrow();
    expect(() => assertPersonTagsUnambiguous(filter, [alice, bob])).toThrow(/names 2 different people/);
    expect(() => assertPersonTagsUnambiguous(filter, [alice, bob])).toThrow(UsageError);
  });
});
