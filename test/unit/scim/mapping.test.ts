import type { JsonObject } from '@idp-sync/scim/protocol';
import { type PlanInput, planCommands, type ScimUserRecord } from '@idp-sync/scim/service';
import { describe, expect, it } from 'vitest';

const SCIM_ID = '6f1c2b4e-0000-4000-8000-000000000001';
const AT = '2026-11-26T10:00:00.000Z';

const resource = (overrides: JsonObject = {}): JsonObject => ({
  userName: 'alice@contoso.com',
  displayName: 'Alice Example',
  emails: [{ value: 'alice@contoso.com', type: 'work', primary: true }],
  active: true,
  ...overrides,
});

const stored = (overrides: Partial<ScimUserRecord> = {}): ScimUserRecord => ({
  id: SCIM_ID,
  userName: 'alice@contoso.com',
  resource: resource(),
  active: true,
  personEmail: 'alice@contoso.com',
  provisioned: true,
  state: 'live',
  created: AT,
  lastModified: AT,
  version: 3,
  outbox: [],
  origin: 'scim',
  pointerKeys: [],
  ...overrides,
});

const plan = (input: Partial<PlanInput> & Pick<PlanInput, 'kind'>) =>
  planCommands({
    scimId: SCIM_ID,
    before: null,
    after: null,
    requestContent: `${input.kind} body`,
    occurredAt: AT,
    receivedAt: AT,
    ...input,
  });

describe('planCommands: the SCIM → command mapping', () => {
  it('POST of an active user → create, with the SCIM source fields', () => {
    const result = plan({ kind: 'create', after: { resource: resource(), active: true } });
    expect(result.commands).toEqual([
      {
        v: 1,
        id: expect.stringMatching(new RegExp(`^scim:${SCIM_ID}:[0-9a-f]{64}$`)),
        source: 'scim',
        sourceEventType: 'scim.user.create',
        occurredAt: AT,
        receivedAt: AT,
        action: 'create',
        email: 'alice@contoso.com',
        name: 'Alice Example',
      },
    ]);
    expect(result.provisioned).toBe(true);
    expect(result.personEmail).toBe('alice@contoso.com');
  });

  it('POST of an inactive user → nothing until it is activated', () => {
    const result = plan({ kind: 'create', after: { resource: resource({ active: false }), active: false } });
    expect(result.commands).toEqual([]);
    expect(result.provisioned).toBe(false);
    expect(result.notes).toContain('inactive-not-provisioned');
  });

  it('a user without any usable email → nothing, noted', () => {
    const result = plan({
      kind: 'create',
      after: { resource: { userName: 'emp1', emails: [{ value: 'not-an-email', primary: true }] }, active: true },
    });
    expect(result.commands).toEqual([]);
    expect(result.notes).toEqual(['no-email']);
  });

  it('PATCH active true → false → delete; false → true → create', () => {
    const disabled = plan({ kind: 'patch', before: stored(), after: { resource: resource(), active: false } });
    expect(disabled.commands.map((command) => command.action)).toEqual(['delete']);
    const enabled = plan({
      kind: 'patch',
      before: stored({ active: false }),
      after: { resource: resource(), active: true },
    });
    expect(enabled.commands.map((command) => command.action)).toEqual(['create']);
  });

  it('a changed name → update', () => {
    const result = plan({
      kind: 'put',
      before: stored(),
      after: { resource: resource({ displayName: 'Alice Renamed' }), active: true },
    });
    expect(result.commands).toMatchObject([
      { action: 'update', name: 'Alice Renamed', email: 'alice@contoso.com', sourceEventType: 'scim.user.put' },
    ]);
  });

  it('a changed email → update keyed on the original email with unsupported: [email], never delete + create', () => {
    const result = plan({
      kind: 'patch',
      before: stored(),
      after: { resource: resource({ emails: [{ value: 'alice.new@contoso.com', primary: true }] }), active: true },
    });
    expect(result.commands).toHaveLength(1);
    expect(result.commands[0]).toMatchObject({ action: 'update', email: 'alice@contoso.com', unsupported: ['email'] });
    expect(result.personEmail).toBe('alice@contoso.com');
    expect(result.notes).toContain('email-change-unsupported');
  });

  it('unrelated attribute changes → nothing', () => {
    const result = plan({
      kind: 'patch',
      before: stored(),
      after: { resource: resource({ title: 'CFO' }), active: true },
    });
    expect(result.commands).toEqual([]);
  });

  it('DELETE of a provisioned active user → delete; of a disabled one → nothing more', () => {
    expect(plan({ kind: 'delete', before: stored() }).commands.map((command) => command.action)).toEqual(['delete']);
    expect(plan({ kind: 'delete', before: stored({ active: false }) }).commands).toEqual([]);
    expect(plan({ kind: 'delete', before: stored({ provisioned: false }) }).commands).toEqual([]);
  });

  it('the same request on the same state has the same command id; any other operation a new one', () => {
    const disable = (before: ScimUserRecord, content: string) =>
      plan({ kind: 'patch', before, after: { resource: resource(), active: false }, requestContent: content })
        .commands[0]?.id;
    const first = disable(stored(), 'PATCH body-1');
    expect(disable(stored(), 'PATCH body-1')).toBe(first);
    expect(disable(stored(), 'PATCH body-2')).not.toBe(first);
    // Same body again after the state moved on (A → B → A renames) must not be taken for a retry.
    const rename = (before: ScimUserRecord) =>
      plan({
        kind: 'patch',
        before,
        after: { resource: resource({ displayName: 'A' }), active: true },
        requestContent: 'PATCH displayName=A',
      }).commands[0]?.id;
    expect(rename(stored({ resource: resource({ displayName: 'B' }) }))).not.toBe(
      rename(stored({ resource: resource({ displayName: 'C' }) })),
    );
    // B → A, later back to B, then B → A again: the same prior content and request, but a later record — a new id
    // (the chaos run found the second rename dropped as a duplicate when only the content was hashed).
    const earlier = stored({ resource: resource({ displayName: 'B' }), lastModified: '2026-11-26T10:00:00.000Z' });
    const later = stored({ resource: resource({ displayName: 'B' }), lastModified: '2026-11-26T11:30:00.000Z' });
    expect(rename(later)).not.toBe(rename(earlier));
  });
});
