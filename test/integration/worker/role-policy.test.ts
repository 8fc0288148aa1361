import { parseRolePolicy, type RolePolicyRule } from '@idp-sync/contracts';
import { createDynamoDbPersonGroups } from '@idp-sync/scim/service';
import { MAX_RECORDED_GROUPS } from '@idp-sync/worker/state';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pipeline, startWorkerStack, TABLE_NAME, type WorkerStack } from '../../helpers/worker/harness';
import { command } from '../../helpers/worker/records';

// Issue #18: the worker's role policy chooses a create's role from what the source said (facts), against the
// emulator's custom-role registry.

let stack: WorkerStack;
let n = 0;
const email = (tag: string) => `${tag}-${++n}@policy.example`;

function policy(): RolePolicyRule[] {
  const parsed = parseRolePolicy(
    JSON.stringify({
      rules: [
        { when: { source: 'okta', group: 'Arize Admins' }, role: 'ADMIN' },
        { when: { source: 'scim', role: 'Annotator' }, role: 'ANNOTATOR' },
        { when: { source: 'hr', field: 'department', equals: 'Data Science' }, role: { custom: 'Um9sZToz' } },
        { when: { source: 'workos', group: 'Reviewers' }, role: { custom: 'Um9sZTo5' } },
        { when: { source: 'scim', group: 'Entra Labelers' }, role: 'ANNOTATOR' },
      ],
    }),
  );
  if ('problems' in parsed) throw new Error(parsed.problems.join('\n'));
  return parsed.rules;
}

beforeAll(async () => {
  stack = await startWorkerStack({ customRoles: [{ id: 'Um9sZToz', name: 'Data Scientist' }] });
});
afterAll(async () => {
  await stack.stop();
});

describe('the role policy at create', () => {
  it('chooses by Okta group, SCIM app role and HR field; no match keeps the command’s role', async () => {
    const p = await pipeline(stack, { config: { rolePolicy: policy() } });
    const [admin, annotator, scientist, plain] = [email('okta'), email('scim'), email('hr'), email('plain')];
    await p.enqueue([
      command({
        source: 'okta',
        action: 'create',
        email: admin,
        role: 'MEMBER',
        facts: { groups: ['00g1', 'Arize Admins'] },
      }),
      command({ source: 'scim', action: 'create', email: annotator, facts: { roles: ['Annotator'] } }),
      command({
        source: 'hr',
        action: 'create',
        email: scientist,
        facts: { fields: [{ name: 'department', value: 'Data Science' }] },
      }),
      command({
        source: 'hr',
        action: 'create',
        email: plain,
        role: 'ANNOTATOR',
        facts: { fields: [{ name: 'department', value: 'Sales' }] },
      }),
    ]);
    while ((await p.processNext()) !== undefined);
    const role = (who: string) => stack.emulator.state.findByEmail(who)?.role;
    expect(role(admin)).toEqual({ type: 'PREDEFINED', name: 'ADMIN' });
    expect(role(annotator)).toEqual({ type: 'PREDEFINED', name: 'ANNOTATOR' });
    expect(role(scientist)).toEqual({ type: 'CUSTOM', id: 'Um9sZToz', name: 'Data Scientist' });
    expect(role(plain)).toEqual({ type: 'PREDEFINED', name: 'ANNOTATOR' });
    await p.close();
  });

  it('a rule naming a custom role the account lacks: dead-lettered CustomRoleUnknown, nobody created', async () => {
    const p = await pipeline(stack, { config: { rolePolicy: policy() } });
    const who = email('workos');
    await p.enqueue([command({ source: 'workos', action: 'create', email: who, facts: { groups: ['Reviewers'] } })]);
    const report = await p.processNext();
    expect(report?.outcomes[0]).toMatchObject({ kind: 'dead-lettered', errorClass: 'CustomRoleUnknown' });
    expect(stack.emulator.state.findByEmail(who)).toBeUndefined();
    await p.close();
  });

  it('facts on an update change no role (the Users API sets roles only at create)', async () => {
    const p = await pipeline(stack, { config: { rolePolicy: policy() } });
    const who = email('later');
    await p.enqueue([command({ source: 'okta', action: 'create', email: who })]);
    while ((await p.processNext()) !== undefined);
    await p.enqueue([command({ source: 'okta', action: 'update', email: who, facts: { groups: ['Arize Admins'] } })]);
    while ((await p.processNext()) !== undefined);
    expect(stack.emulator.state.findByEmail(who)?.role).toEqual({ type: 'PREDEFINED', name: 'MEMBER' });
    await p.close();
  });

  it('a membership that arrives before the create is remembered for it, and moves no watermark', async () => {
    const p = await pipeline(stack, { config: { rolePolicy: policy() } });
    const who = email('early');
    const t = Date.UTC(2026, 5, 1);
    const at = (s: number) => new Date(t + s * 1000).toISOString();
    await p.enqueue([
      // Okta's group event carries a later time than the app assignment it races: it must not make the create stale.
      command({
        source: 'okta',
        action: 'membership',
        email: who,
        occurredAt: at(10),
        membership: { op: 'add', group: 'Arize Admins', groupId: '00gAdmins' },
      }),
      command({ source: 'okta', action: 'create', email: who, occurredAt: at(0) }),
    ]);
    const outcomes = [];
    for (let r = await p.processNext(); r !== undefined; r = await p.processNext()) outcomes.push(...r.outcomes);
    expect(outcomes).toEqual([
      expect.objectContaining({ kind: 'applied', action: 'membership', detail: 'membership-added' }),
      expect.objectContaining({ kind: 'applied', action: 'create' }),
    ]);
    expect(stack.emulator.state.findByEmail(who)?.role).toEqual({ type: 'PREDEFINED', name: 'ADMIN' });
    await p.close();
  });

  it('a membership removed before the create no longer chooses the role', async () => {
    const p = await pipeline(stack, { config: { rolePolicy: policy() } });
    const who = email('removed');
    const group = { group: 'Arize Admins', groupId: '00gAdmins' };
    // A person's memberships travel in a FIFO group of their own, in order among themselves.
    await p.enqueue([
      command({ source: 'okta', action: 'membership', email: who, membership: { op: 'add', ...group } }),
      command({ source: 'okta', action: 'membership', email: who, membership: { op: 'remove', ...group } }),
    ]);
    while ((await p.processNext()) !== undefined);
    await p.enqueue([command({ source: 'okta', action: 'create', email: who })]);
    while ((await p.processNext()) !== undefined);
    expect(stack.emulator.state.findByEmail(who)?.role).toEqual({ type: 'PREDEFINED', name: 'MEMBER' });
    await p.close();
  });

  it('a membership after the create that would change the role: recorded as unsupported, the role unchanged', async () => {
    const p = await pipeline(stack, { config: { rolePolicy: policy() } });
    const who = email('promoted');
    await p.enqueue([command({ source: 'okta', action: 'create', email: who })]);
    while ((await p.processNext()) !== undefined);
    await p.enqueue([
      command({ source: 'okta', action: 'membership', email: who, membership: { op: 'add', group: 'Arize Admins' } }),
      // A group no rule names changes no choice: nothing unsupported.
      command({ source: 'okta', action: 'membership', email: who, membership: { op: 'add', group: 'Everyone' } }),
    ]);
    const outcomes = [];
    for (let r = await p.processNext(); r !== undefined; r = await p.processNext()) outcomes.push(...r.outcomes);
    expect(outcomes[0]).toMatchObject({ kind: 'applied', action: 'membership', unsupported: ['role'] });
    expect(outcomes[1]).toMatchObject({ kind: 'applied', action: 'membership' });
    expect(outcomes[1]).not.toHaveProperty('unsupported');
    expect(stack.emulator.state.findByEmail(who)?.role).toEqual({ type: 'PREDEFINED', name: 'MEMBER' });
    expect(stack.emulator.state.findByEmail(who)?.status).toBeDefined();
    await p.close();
  });

  it('memberships are bounded per person: past the limit one is not recorded, and nothing fails', async () => {
    const p = await pipeline(stack, { config: { rolePolicy: policy() } });
    const who = email('joiner');
    const groups = Array.from({ length: MAX_RECORDED_GROUPS / 2 + 1 }, (_, i) => ({
      op: 'add' as const,
      group: `G${i}`,
      groupId: `00g${i}`,
    }));
    await p.enqueue(
      groups.map((membership) => command({ source: 'okta', action: 'membership', email: who, membership })),
    );
    const outcomes = [];
    for (let r = await p.processNext(); r !== undefined; r = await p.processNext()) outcomes.push(...r.outcomes);
    expect(outcomes).toHaveLength(groups.length);
    expect(outcomes.slice(0, -1).every((o) => o.kind === 'applied')).toBe(true);
    expect(outcomes.at(-1)).toMatchObject({ kind: 'noop', action: 'membership', detail: 'too-many-groups' });
    await p.close();
  }, 60_000);

  it('a SCIM group membership written before the worker applies the create chooses the role', async () => {
    const p = await pipeline(stack, { config: { rolePolicy: policy() } });
    const who = email('entra');
    // SCIM's POST /Users queues the create; the group PATCH that follows records the membership at once.
    await p.enqueue([command({ source: 'scim', action: 'create', email: who })]);
    const personGroups = createDynamoDbPersonGroups({
      client: stack.dynamoClient,
      tableName: TABLE_NAME,
      now: () => new Date(),
    });
    await personGroups.record(who, 'add', ['Entra Labelers', '6c6b54c2-fa81-4234-ad4f-420ec6808049']);
    while ((await p.processNext()) !== undefined);
    expect(stack.emulator.state.findByEmail(who)?.role).toEqual({ type: 'PREDEFINED', name: 'ANNOTATOR' });
    await p.close();
  });

  it('ROLE_SETTLE_SECONDS: a create waits in the queue for memberships sent after it, then takes their role', async () => {
    const p = await pipeline(stack, { config: { rolePolicy: policy(), roleSettleSeconds: 2 } });
    const who = email('settle');
    const plain = email('settle-hr');
    await p.enqueue([
      command({ source: 'scim', action: 'create', email: who }),
      // No rule of the policy chooses by group for HR: nothing to wait for.
      command({ source: 'hr', action: 'create', email: plain }),
    ]);
    const first = await p.processNext();
    expect(first?.outcomes).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: 'retry', errorClass: 'RoleSettling' }),
        expect.objectContaining({ kind: 'applied', action: 'create' }),
      ]),
    );
    expect(first?.counts.CreatesDeferred).toBe(1);
    expect(stack.emulator.state.findByEmail(who)).toBeUndefined();
    // Entra sends the group's members after the users: recorded while the create waits.
    const personGroups = createDynamoDbPersonGroups({
      client: stack.dynamoClient,
      tableName: TABLE_NAME,
      now: () => new Date(),
    });
    await personGroups.record(who, 'add', ['Entra Labelers']);
    const deadline = Date.now() + 10_000;
    while (stack.emulator.state.findByEmail(who) === undefined && Date.now() < deadline) {
      await p.processNext();
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(stack.emulator.state.findByEmail(who)?.role).toEqual({ type: 'PREDEFINED', name: 'ANNOTATOR' });
    await p.close();
  }, 20_000);

  it('ROLE_SETTLE_SECONDS never holds a create on its last allowed receive', async () => {
    const p = await pipeline(stack, { config: { rolePolicy: policy(), roleSettleSeconds: 600, maxReceiveCount: 1 } });
    const who = email('last');
    await p.enqueue([command({ source: 'okta', action: 'create', email: who })]);
    const report = await p.processNext();
    expect(report?.outcomes[0]).toMatchObject({ kind: 'applied', action: 'create' });
    await p.close();
  });

  it('memberships travel in a FIFO group of their own, and a batch records them before it applies a create', async () => {
    const p = await pipeline(stack, { config: { rolePolicy: policy(), roleSettleSeconds: 2 } });
    const who = email('okta-settle');
    // Okta sends the app assignment (the create) first and the group membership after: with ROLE_SETTLE_SECONDS the
    // create waits, and the membership is not stuck behind it.
    await p.enqueue([command({ source: 'okta', action: 'create', email: who })]);
    const first = await p.processNext();
    expect(first?.outcomes[0]).toMatchObject({ kind: 'retry', errorClass: 'RoleSettling' });
    await p.enqueue([
      command({ source: 'okta', action: 'membership', email: who, membership: { op: 'add', group: 'Arize Admins' } }),
    ]);
    const second = await p.processNext();
    expect(second?.outcomes).toEqual([expect.objectContaining({ kind: 'applied', action: 'membership' })]);
    const deadline = Date.now() + 10_000;
    while (stack.emulator.state.findByEmail(who) === undefined && Date.now() < deadline) {
      await p.processNext();
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(stack.emulator.state.findByEmail(who)?.role).toEqual({ type: 'PREDEFINED', name: 'ADMIN' });
    await p.close();
  }, 20_000);

  it('a create reads only the groups its own source recorded', async () => {
    const p = await pipeline(stack, { config: { rolePolicy: policy() } });
    const who = email('cross');
    // An Okta membership named "Entra Labelers" must not choose the role of the person SCIM creates.
    await p.enqueue([
      command({ source: 'okta', action: 'membership', email: who, membership: { op: 'add', group: 'Entra Labelers' } }),
    ]);
    while ((await p.processNext()) !== undefined);
    await p.enqueue([command({ source: 'scim', action: 'create', email: who })]);
    while ((await p.processNext()) !== undefined);
    expect(stack.emulator.state.findByEmail(who)?.role).toEqual({ type: 'PREDEFINED', name: 'MEMBER' });
    await p.close();
  });
});
