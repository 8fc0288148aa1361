import { parseUntrustedJson, useEnglishZodMessages } from '@idp-sync/common';
import { parseRolePolicy, type RolePolicyRule } from '@idp-sync/contracts';
import * as z from 'zod/mini';
import { ScimConfigError } from '../errors';

// zod/mini, not classic zod: these schemas are built at INIT, and classic zod would add ~70 KiB to the SCIM bundle
// (its issues read the same once English is configured).
useEnglishZodMessages();

/** Tuning of the SCIM service. Every field has a default that suits Entra. */
export const ScimServiceConfigSchema = z.strictObject({
  /**
   * The public base URL of the SCIM service (`https://<api>/scim/v2`), used in `meta.location` and `Location`.
   * Without it locations are paths (`/scim/v2/Users/<id>`), as in Microsoft's own examples.
   */
  baseUrl: z.optional(
    z.pipe(
      z.url({ message: 'must be an absolute URL such as https://api.example.com/scim/v2' }),
      z.transform((url: string) => url.replace(/\/+$/, '')),
    ),
  ),
  /** How long a read may wait for the Users API fallback before answering from the store alone. */
  usersLookupTimeoutMs: z._default(wholeNumber(50, 10_000), 1000),
  /** How long a write may wait for the queue before answering 503 (Entra retries). */
  queueTimeoutMs: z._default(wholeNumber(100, 20_000), 3000),
  /** The most resources one list answer carries (advertised as `filter.maxResults`). */
  maxResults: z._default(wholeNumber(1, 1000), 200),
  /**
   * What a successful PATCH answers: `resource` (200 with the user: the default since issue #18 — Okta's documentation
   * shows it, Microsoft's protocol examples too, and independent conformance suites expect it) or `no-content` (204,
   * which RFC 7644 §3.5.2 allows and Microsoft's reference collection accepts). Entra accepts both; a request with
   * `attributes=` or `excludedAttributes=` always gets 200 with the resource.
   */
  patchResponse: z._default(z.enum(['no-content', 'resource']), 'resource'),
  /**
   * Provisioning groups (issue #18): when set, only users who are members of one of these groups (by displayName or
   * externalId, case-insensitively) are provisioned; leaving the last one deprovisions (a delete, through the deletion
   * guard and the SCIM grace period). Unset: every active user is provisioned, groups or not.
   */
  provisioningGroups: z.optional(
    z
      .array(z.string().check(z.trim(), z.minLength(1, { message: 'a group name may not be empty' }), z.maxLength(256)))
      .check(z.minLength(1, { message: 'name at least one group' }), z.maxLength(100)),
  ),
});

export type ScimServiceConfig = z.output<typeof ScimServiceConfigSchema>;
export type ScimServiceConfigInput = z.input<typeof ScimServiceConfigSchema>;

/** A whole number within `[min, max]`. */
function wholeNumber(min: number, max: number) {
  return z.number().check(z.int(), z.gte(min), z.lte(max));
}

const optionalInt = (name: string) =>
  z.optional(
    z.pipe(
      z.string().check(z.regex(/^\d+$/, { message: `${name} must be a whole number of milliseconds or items` })),
      z.transform(Number),
    ),
  );

const EnvSchema = z.object({
  STATE_TABLE_NAME: z._default(z.string().check(z.minLength(3)), 'idp-sync-state'),
  SCIM_BEARER_TOKEN: z.optional(
    z.string().check(z.minLength(16, { message: 'SCIM_BEARER_TOKEN must be at least 16 characters' })),
  ),
  SCIM_BEARER_TOKEN_SECRET_ARN: z.optional(z.string().check(z.minLength(1))),
  SCIM_BASE_URL: z.optional(z.string()),
  SCIM_USERS_LOOKUP_TIMEOUT_MS: optionalInt('SCIM_USERS_LOOKUP_TIMEOUT_MS'),
  SCIM_QUEUE_TIMEOUT_MS: optionalInt('SCIM_QUEUE_TIMEOUT_MS'),
  SCIM_MAX_RESULTS: optionalInt('SCIM_MAX_RESULTS'),
  SCIM_PATCH_RESPONSE: z.optional(z.string()),
  ROLE_POLICY: z.optional(z.string()),
  SCIM_PROVISIONING_GROUPS: z.optional(z.string()),
});

export interface ScimSettings {
  readonly config: ScimServiceConfig;
  readonly tableName: string;
  /** The worker's role policy (`ROLE_POLICY`), when set: SCIM Groups report memberships that would change a role. */
  readonly rolePolicy?: readonly RolePolicyRule[];
}

/**
 * Reads the SCIM service's settings from the environment, once, at start-up: `STATE_TABLE_NAME` (default
 * `idp-sync-state`), `SCIM_BASE_URL`, `SCIM_USERS_LOOKUP_TIMEOUT_MS`, `SCIM_QUEUE_TIMEOUT_MS`, `SCIM_MAX_RESULTS`,
 * `SCIM_PATCH_RESPONSE` (`no-content` | `resource`), `ROLE_POLICY` (the worker's; every problem listed), `SCIM_PROVISIONING_GROUPS`. A misconfiguration throws a `ScimConfigError` that says what to
 * set. The bearer token is not read here: the HTTP function's secret provider holds it (`SCIM_BEARER_TOKEN` or
 * `SCIM_BEARER_TOKEN_SECRET_ARN`, read by `loadHttpFunctionConfig` of `@idp-sync/http`; `createScimApp` requires one).
 *
 * @example
 * const { config, tableName } = loadScimSettings(process.env);
 */
export function loadScimSettings(env: Readonly<Record<string, string | undefined>>): ScimSettings {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) throw new ScimConfigError(describe(parsed.error));
  const values = parsed.data;
  const config = ScimServiceConfigSchema.safeParse({
    baseUrl: values.SCIM_BASE_URL || undefined,
    usersLookupTimeoutMs: values.SCIM_USERS_LOOKUP_TIMEOUT_MS,
    queueTimeoutMs: values.SCIM_QUEUE_TIMEOUT_MS,
    maxResults: values.SCIM_MAX_RESULTS,
    patchResponse: values.SCIM_PATCH_RESPONSE || undefined,
    provisioningGroups: groupList(values.SCIM_PROVISIONING_GROUPS),
  });
  const problems = config.success ? [] : describe(config.error, ENV_NAMES);
  const policy = values.ROLE_POLICY?.trim() ? parseRolePolicy(values.ROLE_POLICY) : undefined;
  if (policy !== undefined && 'problems' in policy) problems.push(...policy.problems.map((p) => `ROLE_POLICY: ${p}`));
  if (!config.success || problems.length > 0) throw new ScimConfigError(problems);
  return {
    config: config.data,
    tableName: values.STATE_TABLE_NAME,
    ...(policy !== undefined && 'rules' in policy ? { rolePolicy: policy.rules } : {}),
  };
}

const ENV_NAMES: Record<string, string> = {
  baseUrl: 'SCIM_BASE_URL',
  usersLookupTimeoutMs: 'SCIM_USERS_LOOKUP_TIMEOUT_MS',
  queueTimeoutMs: 'SCIM_QUEUE_TIMEOUT_MS',
  maxResults: 'SCIM_MAX_RESULTS',
  patchResponse: 'SCIM_PATCH_RESPONSE',
  provisioningGroups: 'SCIM_PROVISIONING_GROUPS',
};

/**
 * `SCIM_PROVISIONING_GROUPS`: a JSON array of group names or ids (`["Arize Users", "All Staff, EMEA"]`: names may hold
 * commas), or a comma-separated list. Blank: no scoping. Anything else is handed to the schema, which names it.
 */
function groupList(value: string | undefined): unknown {
  const text = value?.trim();
  if (!text) return undefined;
  if (!text.startsWith('[')) return text.split(',').map((name) => name.trim());
  const parsed = parseUntrustedJson(text);
  return parsed.ok ? parsed.value : text;
}

/** One problem per issue, `VARIABLE: what is wrong` (`names` maps a setting to the variable it is read from). */
function describe(error: z.core.$ZodError, names: Record<string, string> = {}): string[] {
  return error.issues.map((issue) => {
    const key = String(issue.path[0] ?? '');
    return `${names[key] ?? key}: ${issue.message}`;
  });
}
