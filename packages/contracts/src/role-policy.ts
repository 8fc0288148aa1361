import { parseUntrustedJson, toAsciiLowerCase } from '@idp-sync/common';
import * as z from 'zod/mini';
import { COMMAND_SOURCES, CustomRoleIdSchema, PREDEFINED_ROLES, type PredefinedRole } from './command/schema';

/** The role a rule assigns: a predefined one by name, or a custom RBAC role by id. */
export type PolicyRole = { readonly predefined: PredefinedRole } | { readonly customRoleId: string };

/** One rule: every condition given must hold (compared trimmed, case-insensitively). */
export interface RolePolicyRule {
  readonly source?: (typeof COMMAND_SOURCES)[number];
  readonly group?: string;
  readonly role?: string;
  readonly field?: { readonly name: string; readonly equals: string };
  readonly assign: PolicyRole;
}

const RoleValue = z.union([z.enum(PREDEFINED_ROLES), z.strictObject({ custom: CustomRoleIdSchema })], {
  message: `must be ${PREDEFINED_ROLES.join(', ')} or { "custom": "<role id>" }`,
});
const Condition = z.string().check(z.trim(), z.minLength(1, { message: 'must not be empty' }), z.maxLength(256));
const RuleSchema = z
  .strictObject({
    when: z.strictObject({
      source: z.optional(z.enum(COMMAND_SOURCES, { message: `must be one of ${COMMAND_SOURCES.join(', ')}` })),
      group: z.optional(Condition),
      role: z.optional(Condition),
      field: z.optional(Condition),
      equals: z.optional(z.string().check(z.maxLength(256))),
    }),
    role: RoleValue,
  })
  .check(
    z.refine((rule) => rule.when.group !== undefined || rule.when.role !== undefined || rule.when.field !== undefined, {
      message: 'a rule needs a group, role or field condition (source alone would match everyone of that source)',
      path: ['when'],
    }),
    z.refine((rule) => (rule.when.field === undefined) === (rule.when.equals === undefined), {
      message: 'field and equals go together',
      path: ['when', 'equals'],
    }),
  );
const PolicySchema = z.strictObject({ rules: z.array(RuleSchema).check(z.maxLength(200)) });

/**
 * Reads a role policy (`ROLE_POLICY`, JSON): ordered rules from what a source says about a person to the role their
 * account is created with, first match wins. Returns the rules, or every problem found (`rules[2].when.field: …`).
 *
 * @example
 * parseRolePolicy('{"rules":[{"when":{"source":"okta","group":"Arize Admins"},"role":"ADMIN"}]}')
 * // { rules: [{ source: 'okta', group: 'Arize Admins', assign: { predefined: 'ADMIN' } }] }
 */
export function parseRolePolicy(text: string): { rules: RolePolicyRule[] } | { problems: string[] } {
  const json = parseUntrustedJson(text);
  if (!json.ok) return { problems: [json.reason === 'too-deep' ? json.detail : `not JSON: ${json.error.message}`] };
  const parsed = PolicySchema.safeParse(json.value);
  if (!parsed.success) {
    return {
      problems: parsed.error.issues.map((i) => `${i.path.map(String).join('.') || '(policy)'}: ${i.message}`),
    };
  }
  return {
    rules: parsed.data.rules.map((rule) => ({
      ...(rule.when.source === undefined ? {} : { source: rule.when.source }),
      ...(rule.when.group === undefined ? {} : { group: rule.when.group }),
      ...(rule.when.role === undefined ? {} : { role: rule.when.role }),
      ...(rule.when.field === undefined ? {} : { field: { name: rule.when.field, equals: rule.when.equals ?? '' } }),
      assign: typeof rule.role === 'string' ? { predefined: rule.role } : { customRoleId: rule.role.custom },
    })),
  };
}

const fold = (value: string) => toAsciiLowerCase(value.trim());

/**
 * The role the first matching rule assigns to a person the source describes with `facts`, or undefined when none
 * matches (then the command's own role, else `DEFAULT_ROLE`). Conditions compare trimmed, ASCII case-insensitively;
 * a group matches by name or id, whichever the source sent.
 *
 * @example
 * chooseRole(rules, 'okta', { groups: ['00g1', 'Arize Admins'] }) // { predefined: 'ADMIN' }
 */
export function chooseRole(
  rules: readonly RolePolicyRule[],
  source: string,
  facts:
    | Readonly<{
        groups?: readonly string[] | undefined;
        roles?: readonly string[] | undefined;
        fields?: readonly Readonly<{ name: string; value: string }>[] | undefined;
      }>
    | undefined,
): { rule: number; assign: PolicyRole } | undefined {
  const groups = new Set((facts?.groups ?? []).map(fold));
  const roles = new Set((facts?.roles ?? []).map(fold));
  const fields = (facts?.fields ?? []).map((f) => ({ name: fold(f.name), value: fold(f.value) }));
  for (const [index, rule] of rules.entries()) {
    if (rule.source !== undefined && rule.source !== source) continue;
    if (rule.group !== undefined && !groups.has(fold(rule.group))) continue;
    if (rule.role !== undefined && !roles.has(fold(rule.role))) continue;
    if (rule.field !== undefined) {
      const name = fold(rule.field.name);
      const equals = fold(rule.field.equals);
      if (!fields.some((f) => f.name === name && f.value === equals)) continue;
    }
    return { rule: index, assign: rule.assign };
  }
  return undefined;
}
