import {
  ConfigError,
  describeEnvIssues,
  httpUrl,
  integer,
  optionalString,
  readOptional,
  seconds,
} from '@idp-sync/common';
import * as z from 'zod/mini';
import { parseSecretValue } from './secrets/secret-value';

/** The secrets the HTTP functions know: one per webhook source, and SCIM's bearer token (read by the SCIM routes). */
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

/**
 * What every HTTP function (webhooks, SCIM) reads from its environment: the command queue, the region, the secrets and
 * their cache. Build it with {@link loadHttpFunctionConfig} (or by hand in tests); the webhook function's configuration
 * extends it.
 */
export interface HttpFunctionConfig {
  readonly queueUrl: string;
  /** Set locally (fauxqs, LocalStack); unset in AWS. */
  readonly sqsEndpoint?: string;
  readonly region: string;
  /** Unconfigured sources answer 404 on their routes. */
  readonly secrets: Readonly<Partial<Record<SecretName, SecretSource>>>;
  /** How long a secret fetched from Secrets Manager is reused. */
  readonly secretsCacheTtlMs: number;
  /** Attempts per SendMessageBatch entry (the first send included) before the request fails with 503. */
  readonly sqsSendAttempts: number;
}

const EnvSchema = z.object({
  QUEUE_URL: httpUrl('must be the URL of the SQS FIFO command queue'),
  SQS_ENDPOINT: z.pipe(optionalString, z.optional(httpUrl('must be a URL such as http://127.0.0.1:4566'))),
  AWS_REGION: readOptional((value) => value ?? 'us-east-1'),
  SECRETS_CACHE_TTL_SECONDS: seconds(300, 3600),
  SQS_SEND_ATTEMPTS: readOptional((value, ctx) => (value === undefined ? 3 : integer(1, 10, 'attempts')(value, ctx))),
});

const ARN = /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:.+$/;

/**
 * A check of one secret's value beyond "set and not empty" (the HR secret must be a Standard Webhooks key): a reason
 * when the value is unusable.
 */
export type SecretValueCheck = (name: SecretName, value: string) => string | undefined;

/**
 * Reads the HTTP function settings, adding every problem found to `problems` (the caller adds its own and throws once,
 * so a misconfigured Lambda names every variable to fix). `undefined` when anything is wrong.
 *
 * @example
 * const problems: string[] = [];
 * const base = readHttpFunctionConfig(env, problems);
 */
export function readHttpFunctionConfig(
  env: Readonly<Record<string, string | undefined>>,
  problems: string[],
  checkSecret?: SecretValueCheck,
): HttpFunctionConfig | undefined {
  const before = problems.length;
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) problems.push(...describeEnvIssues(parsed.error.issues));

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
    for (const candidate of [values.current, values.previous]) {
      const problem = candidate === undefined ? undefined : checkSecret?.(name, candidate);
      if (problem) problems.push(`${vars.value}: ${problem}`);
    }
    secrets[name] = { kind: 'value', value };
  }

  if (problems.length > before || !parsed.success) return undefined;
  const e = parsed.data;
  return {
    queueUrl: e.QUEUE_URL,
    ...(e.SQS_ENDPOINT ? { sqsEndpoint: e.SQS_ENDPOINT } : {}),
    region: e.AWS_REGION,
    secrets,
    secretsCacheTtlMs: e.SECRETS_CACHE_TTL_SECONDS,
    sqsSendAttempts: e.SQS_SEND_ATTEMPTS,
  };
}

/**
 * Reads and validates the HTTP function settings from environment variables (the SCIM function's: see the package
 * README). Throws a {@link ConfigError} naming every variable that is wrong, so a misconfigured Lambda fails at INIT.
 *
 * @example
 * const config = loadHttpFunctionConfig(process.env);
 */
export function loadHttpFunctionConfig(env: Readonly<Record<string, string | undefined>>): HttpFunctionConfig {
  const problems: string[] = [];
  const config = readHttpFunctionConfig(env, problems);
  if (!config) throw new ConfigError(problems);
  return config;
}
