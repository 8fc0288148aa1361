import * as z from 'zod/mini';
import { INVITE_MODES, PREDEFINED_ROLES } from '../command';
import { useEnglishZodMessages } from '../command/zod-locale';
import { BAMBOOHR_DEFAULT_TOLERANCE_MS } from '../sources/bamboohr-signature';
import { standardWebhooksSecretProblem } from '../sources/hr-signature';
import { DEFAULT_OKTA_AUTH_HEADER } from '../sources/okta-auth';
import { WORKOS_DEFAULT_TOLERANCE_MS } from '../sources/workos-signature';
import { ConfigError } from './errors';
import { parseSecretValue } from './secret-value';

/** The secrets ingest knows about: one per source (SCIM's bearer token is read by the SCIM routes). */
export const SECRET_NAMES = ['okta', 'scim', 'hr', 'workos', 'bamboohr'] as const;
export type SecretName = (typeof SECRET_NAMES)[number];

/** Where each secret is read from: the variable with the value (local) or the one with its Secrets Manager ARN (AWS). */
export const SECRET_ENV: Readonly<Record<SecretName, { value: string; arn: string }>> = {
  okta: { value: 'OKTA_AUTH_SECRET', arn: 'OKTA_AUTH_SECRET_ARN' },
  scim: { value: 'SCIM_BEARER_TOKEN', arn: 'SCIM_BEARER_TOKEN_SECRET_ARN' },
  hr: { value: 'HR_WEBHOOK_SECRET', arn: 'HR_WEBHOOK_SECRET_ARN' },
  workos: { value: 'WORKOS_WEBHOOK_SECRET', arn: 'WORKOS_WEBHOOK_SECRET_ARN' },
  bamboohr: { value: 'BAMBOOHR_WEBHOOK_KEY', arn: 'BAMBOOHR_WEBHOOK_KEY_SECRET_ARN' },
};

/** A configured secret: its value from the environment, or a Secrets Manager ARN to fetch (and cache) it from. */
export type SecretSource =
  | { readonly kind: 'value'; readonly value: string }
  | { readonly kind: 'arn'; readonly arn: string };

/** The validated ingest configuration. Build it with {@link loadIngestConfig} (or by hand in tests). */
export interface IngestConfig {
  readonly queueUrl: string;
  /** Set locally (fauxqs, LocalStack); unset in AWS. */
  readonly sqsEndpoint?: string;
  readonly region: string;
  /** Unconfigured sources answer 404 on their routes. */
  readonly secrets: Readonly<Partial<Record<SecretName, SecretSource>>>;
  readonly defaultRole: (typeof PREDEFINED_ROLES)[number];
  readonly defaultInviteMode: (typeof INVITE_MODES)[number];
  readonly okta: {
    /** Lower-case header name carrying the shared secret. */
    readonly authHeader: string;
    readonly suspendAction: 'ignore' | 'delete';
    readonly membershipEvents: 'off' | 'app' | 'group' | 'both';
    readonly appIds?: readonly string[];
    readonly groupIds?: readonly string[];
  };
  readonly workos: { readonly toleranceMs: number };
  readonly bamboohr: { readonly emailField: string; readonly statusField: string; readonly toleranceMs: number };
  /** How long a secret fetched from Secrets Manager is reused. */
  readonly secretsCacheTtlMs: number;
  /** Attempts per SendMessageBatch entry (the first send included) before the request fails with 503. */
  readonly sqsSendAttempts: number;
}

// A misconfigured Lambda's INIT error quotes these schemas' issues: worded as classic zod words them.
useEnglishZodMessages();

/** A variable's value, trimmed; unset or blank is `undefined`. */
const optionalString = z.pipe(
  z.optional(z.string()),
  z.transform((value: string | undefined) => (value === undefined || value.trim() === '' ? undefined : value.trim())),
);

/** `optionalString`, then `fn` (a variable's default or conversion). */
function readOptional<T>(fn: (value: string | undefined, ctx: z.core.ParsePayload) => T) {
  return z.pipe(optionalString, z.transform(fn));
}

/**
 * An http(s) URL, checked by shape only: fauxqs queue URLs (`http://sqs.us-east-1.127.0.0.1:4566/…`) are not valid
 * WHATWG URLs (a numeric last label), yet they are what the SQS client needs.
 */
function httpUrl(message: string) {
  return z.string().check(z.regex(/^https?:\/\/[^\s/?#]+(\/\S*)?$/, { message }));
}

const list = readOptional((value) =>
  value
    ?.split(',')
    .map((item) => item.trim())
    .filter(Boolean),
);

function integer(min: number, max: number, unit: string) {
  return (value: string, ctx: z.core.ParsePayload): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max) {
      // zod/mini's transform context has no addIssue: the issue goes on the payload as addIssue would put it.
      ctx.issues.push({
        code: 'custom',
        message: `must be a whole number of ${unit} from ${min} to ${max}`,
        input: value,
      });
      return z.NEVER;
    }
    return n;
  };
}

function seconds(defaultSeconds: number, max: number) {
  const read = integer(1, max, 'seconds');
  return readOptional((value, ctx) => (value === undefined ? defaultSeconds : read(value, ctx)) * 1000);
}

/** `optionalString` checked by `schema` when set, then `fn` (a variable's default). */
function readAs<S extends z.ZodMiniType<string, string>, T>(schema: S, fn: (value: z.output<S> | undefined) => T) {
  return z.pipe(z.pipe(optionalString, z.optional(schema)), z.transform(fn));
}

const EnvSchema = z.object({
  QUEUE_URL: httpUrl('must be the URL of the SQS FIFO command queue'),
  SQS_ENDPOINT: z.pipe(optionalString, z.optional(httpUrl('must be a URL such as http://127.0.0.1:4566'))),
  AWS_REGION: readOptional((value) => value ?? 'us-east-1'),
  OKTA_AUTH_HEADER: readAs(
    z.string().check(z.regex(/^[A-Za-z0-9-]+$/, { message: 'must be an HTTP header name' })),
    (value) => (value ?? DEFAULT_OKTA_AUTH_HEADER).toLowerCase(),
  ),
  DEFAULT_ROLE: readAs(z.enum(PREDEFINED_ROLES), (value) => value ?? 'MEMBER'),
  DEFAULT_INVITE_MODE: readAs(z.enum(INVITE_MODES), (value) => value ?? 'EMAIL_LINK'),
  OKTA_SUSPEND_ACTION: readAs(z.enum(['ignore', 'delete']), (value) => value ?? 'ignore'),
  OKTA_MEMBERSHIP_EVENTS: readAs(z.enum(['off', 'app', 'group', 'both']), (value) => value ?? 'off'),
  OKTA_APP_IDS: list,
  OKTA_GROUP_IDS: list,
  WORKOS_TOLERANCE_SECONDS: seconds(WORKOS_DEFAULT_TOLERANCE_MS / 1000, 3600),
  BAMBOOHR_EMAIL_FIELD: readOptional((value) => value ?? 'workEmail'),
  BAMBOOHR_STATUS_FIELD: readOptional((value) => value ?? 'status'),
  BAMBOOHR_TOLERANCE_SECONDS: seconds(BAMBOOHR_DEFAULT_TOLERANCE_MS / 1000, 86_400),
  SECRETS_CACHE_TTL_SECONDS: seconds(300, 3600),
  SQS_SEND_ATTEMPTS: readOptional((value, ctx) => (value === undefined ? 3 : integer(1, 10, 'attempts')(value, ctx))),
});

const ARN = /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:.+$/;

/**
 * Reads and validates the ingest configuration from environment variables (see the package README for each one).
 * Throws a {@link ConfigError} naming every variable that is wrong, so a misconfigured Lambda fails at INIT.
 *
 * @example
 * export const config = loadIngestConfig(process.env);
 */
export function loadIngestConfig(env: Readonly<Record<string, string | undefined>>): IngestConfig {
  const problems: string[] = [];
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    for (const issue of parsed.error.issues)
      problems.push(`${issue.path.join('.') || '(environment)'}: ${issue.message}`);
  }

  const secrets: Partial<Record<SecretName, SecretSource>> = {};
  for (const name of SECRET_NAMES) {
    const vars = SECRET_ENV[name];
    const value = env[vars.value]?.trim() || undefined;
    const arn = env[vars.arn]?.trim() || undefined;
    if (value && arn) {
      problems.push(`${vars.value} and ${vars.arn}: set one of them, not both`);
      continue;
    }
    if (arn) {
      if (!ARN.test(arn)) problems.push(`${vars.arn}: must be a Secrets Manager secret ARN`);
      else secrets[name] = { kind: 'arn', arn };
      continue;
    }
    if (!value) continue;
    const values = parseSecretValue(value);
    if (typeof values === 'string') {
      problems.push(`${vars.value}: ${values}`);
      continue;
    }
    if (name === 'hr') {
      for (const candidate of [values.current, values.previous]) {
        const problem = candidate === undefined ? undefined : standardWebhooksSecretProblem(candidate);
        if (problem) problems.push(`${vars.value}: ${problem}`);
      }
    }
    secrets[name] = { kind: 'value', value };
  }

  if (problems.length > 0 || !parsed.success) throw new ConfigError(problems);
  const e = parsed.data;
  return {
    queueUrl: e.QUEUE_URL,
    ...(e.SQS_ENDPOINT ? { sqsEndpoint: e.SQS_ENDPOINT } : {}),
    region: e.AWS_REGION,
    secrets,
    defaultRole: e.DEFAULT_ROLE,
    defaultInviteMode: e.DEFAULT_INVITE_MODE,
    okta: {
      authHeader: e.OKTA_AUTH_HEADER,
      suspendAction: e.OKTA_SUSPEND_ACTION,
      membershipEvents: e.OKTA_MEMBERSHIP_EVENTS,
      ...(e.OKTA_APP_IDS?.length ? { appIds: e.OKTA_APP_IDS } : {}),
      ...(e.OKTA_GROUP_IDS?.length ? { groupIds: e.OKTA_GROUP_IDS } : {}),
    },
    workos: { toleranceMs: e.WORKOS_TOLERANCE_SECONDS },
    bamboohr: {
      emailField: e.BAMBOOHR_EMAIL_FIELD,
      statusField: e.BAMBOOHR_STATUS_FIELD,
      toleranceMs: e.BAMBOOHR_TOLERANCE_SECONDS,
    },
    secretsCacheTtlMs: e.SECRETS_CACHE_TTL_SECONDS,
    sqsSendAttempts: e.SQS_SEND_ATTEMPTS,
  };
}
