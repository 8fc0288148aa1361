import { ConfigError } from '@idp-sync/common';
import { DEFAULT_STATE_TABLE_NAME } from '@idp-sync/contracts';
import * as z from 'zod';
import { SCHEDULED_APPLY_MODES, type ScheduledApplyMode } from '../scheduled';

/** The sources the scheduled check can read. */
export const SCHEDULED_SOURCES = ['scim', 'okta', 'workos'] as const;
export type ScheduledSource = (typeof SCHEDULED_SOURCES)[number];

/**
 * The reconcile function's environment is missing or malformed; `problems` names every variable to fix.
 *
 * @example
 * try { loadReconcileFunctionConfig({}); } catch (e) { if (e instanceof ReconcileConfigError) console.error(e.problems); }
 */
export class ReconcileConfigError extends ConfigError {
  override readonly name: string = 'ReconcileConfigError';
  constructor(problems: readonly string[]) {
    super(problems, { subject: 'Invalid reconcile function configuration' });
  }
}

const blank = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const csv = (v: unknown) =>
  typeof v === 'string'
    ? v
        .split(',')
        .map((s) => s.trim().toLowerCase())
        .filter(Boolean)
    : v;
const url = z.string().regex(/^https?:\/\/[^\s/]+(\/\S*)?$/, 'must be an absolute http(s) URL');
const arn = z.string().regex(/^arn:aws[\w-]*:secretsmanager:/, 'must be a Secrets Manager ARN');

const EnvSchema = z.object({
  RECONCILE_SOURCES: z.preprocess(
    csv,
    z.array(z.enum(SCHEDULED_SOURCES)).min(1, 'name at least one of scim, okta, workos'),
  ),
  RECONCILE_DOMAINS: z.preprocess(
    csv,
    z.array(z.string().regex(/^[a-z0-9.-]+\.[a-z]{2,}$/, 'must be email domains, e.g. example.com')).default([]),
  ),
  RECONCILE_APPLY: z.preprocess(blank, z.enum(SCHEDULED_APPLY_MODES).default('report')),
  STATE_TABLE_NAME: z.preprocess(blank, z.string().min(3).max(255).default(DEFAULT_STATE_TABLE_NAME)),
  QUEUE_URL: z.preprocess(blank, url.optional()),
  AWS_REGION: z.preprocess(blank, z.string().min(1).default('us-east-1')),
  SQS_ENDPOINT: z.preprocess(blank, url.optional()),
  DYNAMODB_ENDPOINT: z.preprocess(blank, url.optional()),
  ARIZE_BASE_URL: z.preprocess(blank, url.optional()),
  ARIZE_API_KEY: z.preprocess(blank, z.string().optional()),
  ARIZE_API_KEY_SECRET_ARN: z.preprocess(blank, arn.optional()),
  OKTA_ORG_URL: z.preprocess(blank, url.optional()),
  OKTA_APP_ID: z.preprocess(
    blank,
    z
      .string()
      .regex(/^[A-Za-z0-9]{1,64}$/, 'must be an Okta app id')
      .optional(),
  ),
  OKTA_GROUP_ID: z.preprocess(
    blank,
    z
      .string()
      .regex(/^[A-Za-z0-9]{1,64}$/, 'must be an Okta group id')
      .optional(),
  ),
  OKTA_SUSPENDED: z.preprocess(blank, z.enum(['active', 'inactive']).default('active')),
  OKTA_API_TOKEN: z.preprocess(blank, z.string().optional()),
  OKTA_API_TOKEN_SECRET_ARN: z.preprocess(blank, arn.optional()),
  WORKOS_DIRECTORY_ID: z.preprocess(
    blank,
    z
      .string()
      .regex(/^[A-Za-z0-9_]{1,128}$/, 'must be a directory_… id')
      .optional(),
  ),
  WORKOS_BASE_URL: z.preprocess(blank, url.optional()),
  WORKOS_API_KEY: z.preprocess(blank, z.string().optional()),
  WORKOS_API_KEY_SECRET_ARN: z.preprocess(blank, arn.optional()),
});

/** A secret: its value (local) or where Secrets Manager keeps it (AWS). */
export type SecretSetting = { readonly value: string } | { readonly arn: string };

export interface ReconcileFunctionConfig {
  readonly sources: readonly ScheduledSource[];
  readonly domains: readonly string[];
  readonly apply: ScheduledApplyMode;
  readonly stateTableName: string;
  readonly queueUrl?: string;
  readonly region: string;
  readonly sqsEndpoint?: string;
  readonly dynamoDbEndpoint?: string;
  readonly usersApiBaseUrl?: string;
  readonly usersApiKey: SecretSetting;
  readonly okta?: {
    readonly orgUrl: string;
    readonly scope: { readonly appId: string } | { readonly groupId: string };
    readonly suspended: 'active' | 'inactive';
    readonly token: SecretSetting;
  };
  readonly workos?: { readonly directoryId: string; readonly baseUrl?: string; readonly apiKey: SecretSetting };
}

function secret(value: string | undefined, arnValue: string | undefined): SecretSetting | undefined {
  if (arnValue !== undefined) return { arn: arnValue };
  return value === undefined ? undefined : { value };
}

/**
 * Reads and validates the scheduled reconcile's environment once, listing every problem: which sources
 * (`RECONCILE_SOURCES`), the scope (`RECONCILE_DOMAINS`), what it applies (`RECONCILE_APPLY`: report,
 * creates-and-updates, all), and for each source what it needs (Okta: `OKTA_ORG_URL`, `OKTA_APP_ID` or `OKTA_GROUP_ID`,
 * `OKTA_API_TOKEN_SECRET_ARN`; WorkOS: `WORKOS_DIRECTORY_ID`, `WORKOS_API_KEY_SECRET_ARN`); the Users API key as the
 * worker's (`ARIZE_API_KEY_SECRET_ARN`).
 *
 * @example
 * const config = loadReconcileFunctionConfig({ RECONCILE_SOURCES: 'scim', ARIZE_API_KEY: 'k' });
 */
export function loadReconcileFunctionConfig(
  env: Record<string, string | undefined> = process.env,
): ReconcileFunctionConfig {
  const parsed = EnvSchema.safeParse(env);
  const problems = parsed.success
    ? []
    : parsed.error.issues.map((i) => `${i.path.join('.') || '(environment)'}: ${i.message}`);
  const e = parsed.success ? parsed.data : undefined;
  const usersApiKey = secret(env.ARIZE_API_KEY?.trim() || undefined, e?.ARIZE_API_KEY_SECRET_ARN);
  if (usersApiKey === undefined)
    problems.push('ARIZE_API_KEY: set ARIZE_API_KEY_SECRET_ARN (AWS) or ARIZE_API_KEY (local)');
  const sources = e?.RECONCILE_SOURCES ?? [];
  let okta: ReconcileFunctionConfig['okta'];
  if (sources.includes('okta') && e !== undefined) {
    const token = secret(e.OKTA_API_TOKEN, e.OKTA_API_TOKEN_SECRET_ARN);
    if (e.OKTA_ORG_URL === undefined) problems.push('OKTA_ORG_URL: set it to the Okta org, e.g. https://acme.okta.com');
    else if (!e.OKTA_ORG_URL.startsWith('https://') && !/^http:\/\/(127\.|localhost)/.test(e.OKTA_ORG_URL)) {
      problems.push('OKTA_ORG_URL: must be https (the token goes with every request)');
    }
    if ((e.OKTA_APP_ID === undefined) === (e.OKTA_GROUP_ID === undefined)) {
      problems.push('OKTA_APP_ID: set OKTA_APP_ID or OKTA_GROUP_ID (one of them): whose users the check reads');
    }
    if (token === undefined) problems.push('OKTA_API_TOKEN_SECRET_ARN: set it (AWS) or OKTA_API_TOKEN (local)');
    if (e.OKTA_ORG_URL !== undefined && token !== undefined && (e.OKTA_APP_ID ?? e.OKTA_GROUP_ID) !== undefined) {
      okta = {
        orgUrl: e.OKTA_ORG_URL,
        scope: e.OKTA_APP_ID !== undefined ? { appId: e.OKTA_APP_ID } : { groupId: e.OKTA_GROUP_ID as string },
        suspended: e.OKTA_SUSPENDED,
        token,
      };
    }
  }
  let workos: ReconcileFunctionConfig['workos'];
  if (sources.includes('workos') && e !== undefined) {
    const apiKey = secret(e.WORKOS_API_KEY, e.WORKOS_API_KEY_SECRET_ARN);
    if (e.WORKOS_DIRECTORY_ID === undefined)
      problems.push('WORKOS_DIRECTORY_ID: set it to the directory (directory_…)');
    if (apiKey === undefined) problems.push('WORKOS_API_KEY_SECRET_ARN: set it (AWS) or WORKOS_API_KEY (local)');
    if (e.WORKOS_DIRECTORY_ID !== undefined && apiKey !== undefined) {
      workos = {
        directoryId: e.WORKOS_DIRECTORY_ID,
        apiKey,
        ...(e.WORKOS_BASE_URL === undefined ? {} : { baseUrl: e.WORKOS_BASE_URL }),
      };
    }
  }
  if (e !== undefined && e.RECONCILE_APPLY !== 'report' && e.QUEUE_URL === undefined) {
    problems.push(`QUEUE_URL: RECONCILE_APPLY=${e.RECONCILE_APPLY} sends commands: set the work queue`);
  }
  if (problems.length > 0 || e === undefined || usersApiKey === undefined) throw new ReconcileConfigError(problems);
  return {
    sources,
    domains: e.RECONCILE_DOMAINS,
    apply: e.RECONCILE_APPLY,
    stateTableName: e.STATE_TABLE_NAME,
    region: e.AWS_REGION,
    usersApiKey,
    ...(e.QUEUE_URL === undefined ? {} : { queueUrl: e.QUEUE_URL }),
    ...(e.SQS_ENDPOINT === undefined ? {} : { sqsEndpoint: e.SQS_ENDPOINT }),
    ...(e.DYNAMODB_ENDPOINT === undefined ? {} : { dynamoDbEndpoint: e.DYNAMODB_ENDPOINT }),
    ...(e.ARIZE_BASE_URL === undefined ? {} : { usersApiBaseUrl: e.ARIZE_BASE_URL }),
    ...(okta === undefined ? {} : { okta }),
    ...(workos === undefined ? {} : { workos }),
  };
}
