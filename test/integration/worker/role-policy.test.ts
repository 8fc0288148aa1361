import { parseRolePolicy, type RolePolicyRule } from '@idp-sync/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pipeline, startWorkerStack, type WorkerStack } from '../../helpers/worker/harness';
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
});
