import { parseSecretValue, SECRET_ENV } from '@idp-sync/http';
import { parseBearerTokenSecret } from '@idp-sync/scim/service';
import { standardWebhooksSecretProblem } from '@idp-sync/webhooks';
import type { DoctorSource } from './types';

/** A secret the doctor checks: one per source, and the worker's Users API key. */
export type SecretKind = DoctorSource | 'users-api-key';

/** Where each secret lives in a deployed stack: `<resourcePrefix>/<name>` (infra/constructs/secrets.ts). */
export const STACK_SECRET_NAMES: Readonly<Record<SecretKind, string>> = {
  okta: 'okta-auth',
  scim: 'scim-bearer-token',
  hr: 'hr-webhook',
  workos: 'workos-webhook',
  bamboohr: 'bamboohr-webhook-key',
  'users-api-key': 'users-api-key',
};

/** The environment variable each source secret has locally (`npm start` prints them): the HTTP functions' names. */
export const LOCAL_SECRET_ENV: Readonly<Record<DoctorSource, string>> = {
  okta: SECRET_ENV.okta.value,
  scim: SECRET_ENV.scim.value,
  hr: SECRET_ENV.hr.value,
  workos: SECRET_ENV.workos.value,
  bamboohr: SECRET_ENV.bamboohr.value,
};

/**
 * Secrets we choose and paste into the vendor's console: the value CDK generates at deploy is the real one. The
 * others are issued by the vendor, and CDK's generated value is only a placeholder that verifies nothing.
 */
export const WE_CHOOSE: ReadonlySet<SecretKind> = new Set<SecretKind>(['okta', 'scim']);

/** Who a source's secret comes from, for the "what to do" of a missing or wrong one. */
export const SECRET_ORIGIN: Readonly<Record<SecretKind, string>> = {
  okta: "the value Okta's Event Hook sends in its authentication header (you choose it)",
  scim: "Entra's SCIM Secret Token (you choose it, at least 16 characters)",
  hr: "the HR system's Standard Webhooks signing secret (whsec_…)",
  workos: "the WorkOS webhook endpoint's secret (WorkOS Dashboard → Webhooks)",
  bamboohr: "the BambooHR webhook's private key (shown once when the webhook is saved)",
  'users-api-key': 'an Arize API key of an account admin, or a key with the user permissions',
};

/**
 * The shape of the value CDK generates for every secret (`generateSecretString`: 48 characters, letters and digits).
 * A vendor-issued secret still in this shape, never changed since the deploy, is the placeholder.
 */
const CDK_GENERATED = /^[A-Za-z0-9]{48}$/;

/** Visible ASCII and spaces: what a header value or a key typed into a vendor's console can hold. */
const PRINTABLE = /^[\x20-\x7e]+$/;

/**
 * Whether a value looks like the one CDK generated at deploy.
 *
 * @example
 * looksGenerated('a'.repeat(48)) // true
 */
export function looksGenerated(raw: string): boolean {
  return CDK_GENERATED.test(raw.trim());
}

/**
 * The Users API key in a stored secret, as the worker reads it: the plain key, or JSON with `apiKey` (or
 * `ARIZE_API_KEY`). Undefined when there is none.
 *
 * @example
 * usersApiKeyOf('{"apiKey":"ak-123"}') // 'ak-123'
 */
export function usersApiKeyOf(raw: string): string | undefined {
  const trimmed = raw.trim();
  if (!trimmed.startsWith('{')) return trimmed === '' ? undefined : trimmed;
  try {
    const parsed: unknown = JSON.parse(trimmed);
    if (parsed === null || typeof parsed !== 'object') return undefined;
    for (const field of ['apiKey', 'ARIZE_API_KEY']) {
      if (Object.hasOwn(parsed, field)) {
        const value = (parsed as Record<string, unknown>)[field];
        return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
      }
    }
  } catch {
    return undefined;
  }
  return undefined;
}

/**
 * Why a secret's value cannot work for its source, or undefined when its format is right. It reads the value as the
 * function that uses it does (the rotation form `{"current","previous"}` for the sources, `{"apiKey"}` for the Users
 * API key) and never echoes it.
 *
 * @example
 * secretFormatProblem('hr', 'not-whsec') // 'must start with whsec_ …'
 */
export function secretFormatProblem(kind: SecretKind, raw: string): string | undefined {
  if (kind === 'users-api-key') {
    const key = usersApiKeyOf(raw);
    if (key === undefined) return 'holds no key (the plain key, or JSON {"apiKey": "…"})';
    if (!/^[\x21-\x7e]+$/.test(key)) return 'must be printable ASCII without spaces (it is sent as a Bearer token)';
    return undefined;
  }
  if (kind === 'scim') {
    try {
      parseBearerTokenSecret(raw);
    } catch (error) {
      const problems = (error as { problems?: readonly string[] }).problems;
      return problems?.join('; ') ?? 'is not a SCIM bearer token';
    }
    return undefined;
  }
  const values = parseSecretValue(raw);
  if (typeof values === 'string') return values;
  for (const candidate of [values.current, values.previous]) {
    if (candidate === undefined) continue;
    if (!PRINTABLE.test(candidate)) return 'must be printable ASCII (no line breaks or control characters)';
    if (kind === 'hr') {
      const problem = standardWebhooksSecretProblem(candidate);
      if (problem) return `${problem} (a Standard Webhooks secret is whsec_ followed by base64)`;
    }
  }
  return undefined;
}

/**
 * The value a sender signs with: the current one of a rotation pair, or the plain value.
 *
 * @example
 * signingValue('{"current":"new","previous":"old"}') // 'new'
 */
export function signingValue(raw: string): string {
  const values = parseSecretValue(raw);
  return typeof values === 'string' ? raw.trim() : values.current;
}
