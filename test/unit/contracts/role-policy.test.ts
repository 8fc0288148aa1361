import { chooseRole, parseRolePolicy, type RolePolicyRule } from '@idp-sync/contracts';
import { loadWorkerConfig } from '@idp-sync/worker';
import { describe, expect, it } from 'vitest';

const POLICY = JSON.stringify({
  rules: [
    { when: { source: 'okta', group: 'Arize Admins' }, role: 'ADMIN' },
    { when: { source: 'scim', role: 'Annotator' }, role: 'ANNOTATOR' },
    { when: { source: 'workos', role: 'admin' }, role: 'ADMIN' },
    { when: { source: 'hr', field: 'department', equals: 'Data Science' }, role: { custom: 'Um9sZToz' } },
    { when: { source: 'bamboohr', field: 'Job Title', equals: 'Labeler' }, role: 'ANNOTATOR' },
    { when: { group: 'ml-team' }, role: { custom: 'Um9sZTo0' } },
  ],
});

function rules(): RolePolicyRule[] {
  const parsed = parseRolePolicy(POLICY);
  if ('problems' in parsed) throw new Error(parsed.problems.join('\n'));
  return parsed.rules;
}

describe('the role policy: first match wins', () => {
  it.each([
    ['okta', { groups: ['00g1', 'arize admins'] }, { predefined: 'ADMIN' }, 0],
    ['scim', { roles: ['  Annotator '] }, { predefined: 'ANNOTATOR' }, 1],
    ['workos', { roles: ['ADMIN'] }, { predefined: 'ADMIN' }, 2],
    ['hr', { fields: [{ name: 'Department', value: 'data science' }] }, { customRoleId: 'Um9sZToz' }, 3],
    ['bamboohr', { fields: [{ name: 'job title', value: 'Labeler' }] }, { predefined: 'ANNOTATOR' }, 4],
    ['workos', { groups: ['ml-team'] }, { customRoleId: 'Um9sZTo0' }, 5],
    ['okta', { groups: ['Arize Admins', 'ml-team'] }, { predefined: 'ADMIN' }, 0],
  ] as const)('%s %j → rule %#', (source, facts, assign, rule) => {
    expect(chooseRole(rules(), source, facts)).toEqual({ rule, assign });
  });

  it('no match, no facts, or another source: nothing (the command’s role, else DEFAULT_ROLE)', () => {
    expect(chooseRole(rules(), 'okta', { groups: ['Everyone'] })).toBeUndefined();
    expect(chooseRole(rules(), 'okta', undefined)).toBeUndefined();
    expect(chooseRole(rules(), 'hr', { groups: ['Arize Admins'] })).toBeUndefined();
    expect(chooseRole(rules(), 'hr', { fields: [{ name: 'department', value: 'Sales' }] })).toBeUndefined();
  });
});

describe('reading a role policy', () => {
  it('names every problem by rule and field', () => {
    const parsed = parseRolePolicy(
      JSON.stringify({
        rules: [
          { when: { source: 'okta' }, role: 'ADMIN' },
          { when: { group: 'x' }, role: 'OWNER' },
          { when: { field: 'department' }, role: 'MEMBER' },
          { when: { group: 'y', color: 'red' }, role: { custom: 'has space' } },
          { when: { source: 'ldap', group: 'z' }, role: 'MEMBER' },
        ],
      }),
    );
    expect('problems' in parsed && parsed.problems).toEqual([
      'rules.0.when: a rule needs a group, role or field condition (source alone would match everyone of that source)',
      'rules.1.role: must be ADMIN, MEMBER, ANNOTATOR or { "custom": "<role id>" }',
      'rules.2.when.equals: field and equals go together',
      'rules.3.when: Unrecognized key: "color"',
      'rules.3.role.custom: must be a custom role id: 1-256 printable ASCII characters without spaces',
      'rules.4.when.source: must be one of okta, scim, hr, workos, bamboohr, reconcile',
    ]);
  });

  it('refuses what is not JSON, and prototype keys change nothing', () => {
    expect(parseRolePolicy('{rules:')).toEqual({ problems: [expect.stringMatching(/^not JSON/)] });
    const hostile = parseRolePolicy('{"rules":[{"when":{"group":"a","__proto__":{"source":"okta"}},"role":"ADMIN"}]}');
    expect('problems' in hostile).toBe(true);
  });

  it('the worker reads ROLE_POLICY and lists its problems with the others', () => {
    const base = { DLQ_URL: 'https://sqs.eu-west-1.amazonaws.com/1/dlq.fifo', ARIZE_API_KEY: 'k' };
    expect(loadWorkerConfig({ ...base, ROLE_POLICY: POLICY }).rolePolicy).toHaveLength(6);
    expect(loadWorkerConfig(base).rolePolicy).toEqual([]);
    let problems: readonly string[] = [];
    try {
      loadWorkerConfig({ ...base, ROLE_POLICY: '{"rules":[{"when":{},"role":"ADMIN"}]}', MAX_RECEIVE_COUNT: '0' });
    } catch (error) {
      problems = (error as { problems: readonly string[] }).problems;
    }
    expect(problems).toEqual([
      expect.stringMatching(/^MAX_RECEIVE_COUNT/),
      'ROLE_POLICY: rules.0.when: a rule needs a group, role or field condition (source alone would match everyone of that source)',
    ]);
  });
});
