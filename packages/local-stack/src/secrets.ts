import { randomBytes } from 'node:crypto';
import { parseSecretValue } from '@idp-sync/http';
import { standardWebhooksSecretProblem } from '@idp-sync/webhooks';

/** The secrets of the local stack: one per source, and the emulator's admin API key. */
export interface StackSecrets {
  /** The value Okta sends verbatim in its auth header (`OKTA_AUTH_SECRET`). */
  readonly okta: string;
  /** Entra's SCIM "Secret Token" (`SCIM_BEARER_TOKEN`). */
  readonly scim: string;
  /** The Standard Webhooks secret `whsec_<base64>` (`HR_WEBHOOK_SECRET`). */
  readonly hr: string;
  /** The WorkOS webhook secret (`WORKOS_WEBHOOK_SECRET`). */
  readonly workos: string;
  /** The BambooHR webhook private key (`BAMBOOHR_WEBHOOK_KEY`). */
  readonly bamboohr: string;
}

export type StackSecretName = keyof StackSecrets;

/** The environment variable each secret is read from (the same names the ingest Lambda reads). */
export const STACK_SECRET_ENV: Readonly<Record<StackSecretName, string>> = {
  okta: 'OKTA_AUTH_SECRET',
  scim: 'SCIM_BEARER_TOKEN',
  hr: 'HR_WEBHOOK_SECRET',
  workos: 'WORKOS_WEBHOOK_SECRET',
  bamboohr: 'BAMBOOHR_WEBHOOK_KEY',
};

export const STACK_SECRET_NAMES = Object.keys(STACK_SECRET_ENV) as StackSecretName[];

/** The emulator's admin key variable. */
export const EMULATOR_KEY_ENV = 'USERS_API_EMULATOR_KEY';

/** The SCIM service refuses shorter bearer tokens. */
const MIN_SCIM_TOKEN_LENGTH = 16;
const MIN_EMULATOR_KEY_LENGTH = 8;

/**
 * A fresh random secret in the format each source uses: Standard Webhooks `whsec_` + base64 of 32 bytes for HR, URL-safe
 * random strings for the others.
 *
 * @example
 * generateSecret('hr') // 'whsec_…'
 */
export function generateSecret(name: StackSecretName): string {
  switch (name) {
    case 'hr':
      return `whsec_${randomBytes(32).toString('base64')}`;
    case 'okta':
      return `okta_${randomBytes(24).toString('base64url')}`;
    case 'scim':
      return `scim_${randomBytes(32).toString('base64url')}`;
    case 'workos':
      return `wos_${randomBytes(24).toString('base64url')}`;
    case 'bamboohr':
      return randomBytes(20).toString('hex');
  }
}

/**
 * A fresh admin API key for the emulator.
 *
 * @example
 * generateEmulatorKey() // 'emu_…'
 */
export function generateEmulatorKey(): string {
  return `emu_${randomBytes(24).toString('base64url')}`;
}

/** Visible ASCII and spaces: what an HTTP header value (Okta's) or a key typed into a vendor's console can hold. */
const PRINTABLE = /^[\x20-\x7e]+$/;

/**
 * Why a secret value cannot be used, or undefined when it can. Accepts the rotation form
 * `{"current":"…","previous":"…"}` wherever the ingest Lambda does; never echoes the value.
 *
 * @example
 * secretProblem('hr', 'not-whsec') // 'must start with whsec_'
 */
export function secretProblem(name: StackSecretName, value: string): string | undefined {
  if (name === 'scim') {
    if (value.trim() !== value) return 'must not start or end with spaces';
    if (value.length < MIN_SCIM_TOKEN_LENGTH) return `must be at least ${MIN_SCIM_TOKEN_LENGTH} characters`;
    if (!/^\S+$/.test(value)) return 'must not contain spaces (it is sent as "Authorization: Bearer <token>")';
    return undefined;
  }
  const values = parseSecretValue(value);
  if (typeof values === 'string') return values;
  for (const candidate of [values.current, values.previous]) {
    if (candidate === undefined) continue;
    if (!PRINTABLE.test(candidate)) return 'must be printable ASCII (no line breaks or control characters)';
    if (name === 'hr') {
      const problem = standardWebhooksSecretProblem(candidate);
      if (problem) return `${problem} (expected whsec_ followed by base64, e.g. whsec_ + 32 random bytes in base64)`;
    }
  }
  return undefined;
}

/**
 * Why an emulator API key cannot be used, or undefined.
 *
 * @example
 * emulatorKeyProblem('short') // 'must be at least 8 characters'
 */
export function emulatorKeyProblem(value: string): string | undefined {
  if (value.length < MIN_EMULATOR_KEY_LENGTH) return `must be at least ${MIN_EMULATOR_KEY_LENGTH} characters`;
  if (value.length > 512) return 'must be at most 512 characters';
  if (!/^[\x21-\x7e]+$/.test(value)) return 'must be printable ASCII without spaces';
  return undefined;
}

/**
 * The value a signer uses: the current one of a rotation pair, or the plain value.
 *
 * @example
 * currentSecret('{"current":"new","previous":"old"}') // 'new'
 */
export function currentSecret(value: string): string {
  const values = parseSecretValue(value);
  return typeof values === 'string' ? value : values.current;
}
