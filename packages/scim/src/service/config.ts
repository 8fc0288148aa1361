import * as z from 'zod';
import { ScimConfigError } from '../protocol/errors';

/**
 * Tuning of the SCIM service. Every field has a default that suits Entra.
 *
 * @example
 * ScimServiceConfigSchema.parse({ baseUrl: 'https://api.example.com/scim/v2', usersLookupTimeoutMs: 800 });
 */
export const ScimServiceConfigSchema = z
  .object({
    /**
     * The public base URL of the SCIM service (`https://<api>/scim/v2`), used in `meta.location` and `Location`.
     * Without it locations are paths (`/scim/v2/Users/<id>`), as in Microsoft's own examples.
     */
    baseUrl: z
      .url({ message: 'must be an absolute URL such as https://api.example.com/scim/v2' })
      .transform((url) => url.replace(/\/+$/, ''))
      .optional(),
    /** How long a read may wait for the Users API fallback before answering from the store alone. */
    usersLookupTimeoutMs: z.number().int().min(50).max(10_000).default(1000),
    /** How long a write may wait for the queue before answering 503 (Entra retries). */
    queueTimeoutMs: z.number().int().min(100).max(20_000).default(3000),
    /** The most resources one list answer carries (advertised as `filter.maxResults`). */
    maxResults: z.number().int().min(1).max(1000).default(200),
    /**
     * What a successful PATCH answers: `no-content` (204, which Microsoft's reference collection expects) or `resource`
     * (200 with the user, as in Microsoft's protocol examples). Entra accepts both; a request with `attributes=` or
     * `excludedAttributes=` always gets 200 with the resource (RFC 7644 §3.5.2).
     */
    patchResponse: z.enum(['no-content', 'resource']).default('no-content'),
  })
  .strict();

export type ScimServiceConfig = z.output<typeof ScimServiceConfigSchema>;
export type ScimServiceConfigInput = z.input<typeof ScimServiceConfigSchema>;

const optionalInt = (name: string) =>
  z
    .string()
    .regex(/^\d+$/, { message: `${name} must be a whole number of milliseconds or items` })
    .transform(Number)
    .optional();

const EnvSchema = z.object({
  STATE_TABLE_NAME: z.string().min(3).default('idp-sync-state'),
  SCIM_BEARER_TOKEN: z.string().min(16, { message: 'SCIM_BEARER_TOKEN must be at least 16 characters' }).optional(),
  SCIM_BEARER_TOKEN_SECRET_ARN: z.string().min(1).optional(),
  SCIM_BASE_URL: z.string().optional(),
  SCIM_USERS_LOOKUP_TIMEOUT_MS: optionalInt('SCIM_USERS_LOOKUP_TIMEOUT_MS'),
  SCIM_QUEUE_TIMEOUT_MS: optionalInt('SCIM_QUEUE_TIMEOUT_MS'),
  SCIM_MAX_RESULTS: optionalInt('SCIM_MAX_RESULTS'),
  SCIM_PATCH_RESPONSE: z.string().optional(),
});

export interface ScimSettings {
  readonly config: ScimServiceConfig;
  readonly tableName: string;
}

/**
 * Reads the SCIM service's settings from the environment, once, at start-up: `STATE_TABLE_NAME` (default
 * `idp-sync-state`), `SCIM_BASE_URL`, `SCIM_USERS_LOOKUP_TIMEOUT_MS`, `SCIM_QUEUE_TIMEOUT_MS`, `SCIM_MAX_RESULTS`,
 * `SCIM_PATCH_RESPONSE` (`no-content` | `resource`). A misconfiguration throws a `ScimConfigError` that says what to
 * set. The bearer token is not read here: the ingest secret provider holds it (`SCIM_BEARER_TOKEN` or
 * `SCIM_BEARER_TOKEN_SECRET_ARN`, checked by `loadIngestConfig`).
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
  });
  if (!config.success) throw new ScimConfigError(describe(config.error, ENV_NAMES));
  return { config: config.data, tableName: values.STATE_TABLE_NAME };
}

const ENV_NAMES: Record<string, string> = {
  baseUrl: 'SCIM_BASE_URL',
  usersLookupTimeoutMs: 'SCIM_USERS_LOOKUP_TIMEOUT_MS',
  queueTimeoutMs: 'SCIM_QUEUE_TIMEOUT_MS',
  maxResults: 'SCIM_MAX_RESULTS',
  patchResponse: 'SCIM_PATCH_RESPONSE',
};

/** One problem per issue, `VARIABLE: what is wrong` (`names` maps a setting to the variable it is read from). */
function describe(error: z.ZodError, names: Record<string, string> = {}): string[] {
  return error.issues.map((issue) => {
    const key = String(issue.path[0] ?? '');
    return `${names[key] ?? key}: ${issue.message}`;
  });
}
