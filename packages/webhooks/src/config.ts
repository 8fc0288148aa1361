import { ConfigError, describeEnvIssues, list, readAs, readOptional, seconds } from '@idp-sync/common';
import { INVITE_MODES, PREDEFINED_ROLES } from '@idp-sync/contracts';
import { type HttpFunctionConfig, readHttpFunctionConfig } from '@idp-sync/http';
import * as z from 'zod/mini';
import { BAMBOOHR_DEFAULT_TOLERANCE_MS } from './sources/bamboohr/verify';
import { standardWebhooksSecretProblem } from './sources/hr/verify';
import { DEFAULT_OKTA_AUTH_HEADER } from './sources/okta/verify';
import { WORKOS_DEFAULT_TOLERANCE_MS } from './sources/workos/verify';

/** The validated webhook (ingest) function configuration. Build it with {@link loadIngestConfig} (or by hand in tests). */
export interface IngestConfig extends HttpFunctionConfig {
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
}

const WebhookEnvSchema = z.object({
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
});

/**
 * Reads and validates the webhook function's configuration from environment variables (see the package README for
 * each one): the HTTP function settings and the sources' options. Throws a {@link ConfigError} naming every variable
 * that is wrong, so a misconfigured Lambda fails at INIT.
 *
 * @example
 * export const config = loadIngestConfig(process.env);
 */
export function loadIngestConfig(env: Readonly<Record<string, string | undefined>>): IngestConfig {
  const problems: string[] = [];
  const base = readHttpFunctionConfig(env, problems, (name, value) =>
    name === 'hr' ? standardWebhooksSecretProblem(value) : undefined,
  );
  const parsed = WebhookEnvSchema.safeParse(env);
  if (!parsed.success) problems.push(...describeEnvIssues(parsed.error.issues));
  if (!base || !parsed.success) throw new ConfigError(problems, { subject: 'Invalid ingest configuration' });
  const e = parsed.data;
  return {
    ...base,
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
  };
}
