import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { z } from 'zod';

/**
 * The sources ingest can serve. Each enabled source gets its routes and its secret; a disabled one gets neither (and
 * ingest answers 404 for it, because its secret ARN is not set).
 */
export const SOURCES = ['okta', 'scim', 'hr', 'workos', 'bamboohr'] as const;
export type Source = (typeof SOURCES)[number];

/**
 * Kept equal to `PREDEFINED_ROLES` / `INVITE_MODES` of `@idp-sync/contracts` by a test: the CDK app does not import
 * the domain packages, so that synthesis does not load the AWS SDK and the handlers' code.
 */
export const ROLES = ['ADMIN', 'MEMBER', 'ANNOTATOR'] as const;
export const INVITE_MODES = ['NONE', 'EMAIL_LINK', 'TEMPORARY_PASSWORD'] as const;
export const LOG_LEVELS = ['DEBUG', 'INFO', 'WARN', 'ERROR'] as const;

/** The context key holding the configuration object (in cdk.json); `-c idp-sync.<path>=<value>` overrides one value. */
export const CONTEXT_KEY = 'idp-sync';

const RETENTION_DAYS = new Set<number>(Object.values(RetentionDays).filter((v): v is number => typeof v === 'number'));

// CLI context values (`-c key=value`) always arrive as strings: numbers, booleans and lists are coerced.
const int = (min: number, max: number, fallback: number) => z.coerce.number().int().min(min).max(max).default(fallback);
const bool = (fallback: boolean) =>
  z
    .preprocess((v) => (v === 'true' ? true : v === 'false' ? false : v), z.boolean({ error: 'must be true or false' }))
    .default(fallback);
/** A comma-separated setting as its non-empty, trimmed items (anything else is left for the schema to reject). */
const splitCsv = (v: unknown) =>
  typeof v === 'string'
    ? v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
    : v;
const idList = z
  .preprocess(
    splitCsv,
    z.array(z.string().regex(/^[A-Za-z0-9_-]+$/, { error: 'must be an Okta id such as 0oa1b2c3d4' })),
  )
  .default([]);
/**
 * A reserved concurrency: a whole number of concurrent executions, or `off` for none (an account whose Lambda quota
 * is below 200 cannot reserve any: AWS keeps 100 unreserved).
 */
const reservation = (fallback: number) =>
  z
    .preprocess(
      (v) => (typeof v === 'string' && v.trim() !== '' && v !== 'off' ? Number(v) : v),
      z.custom<number | 'off'>((v) => v === 'off' || (Number.isInteger(v) && Number(v) >= 1 && Number(v) <= 10_000), {
        // 0 is valid for AWS, and stops the function: never what a setting here means.
        error: 'must be a whole number of concurrent executions from 1 to 10000 (0 would stop the function), or "off"',
      }),
    )
    .default(fallback);
/**
 * A grace period: an ISO 8601 duration of days, hours, minutes and seconds, at most P90D — the same rule as
 * `parseGracePeriod` of `@idp-sync/contracts`, which the worker applies (kept equal by test/infra/config.test.ts; the
 * CDK app does not import the domain packages).
 */
const GRACE_PERIOD_PATTERN = /^P(?:(\d{1,3})D)?(?:T(?:(\d{1,4})H)?(?:(\d{1,6})M)?(?:(\d{1,8})S)?)?$/;
const gracePeriod = z
  .string()
  .trim()
  .toUpperCase()
  .refine(
    (v) => {
      const m = GRACE_PERIOD_PATTERN.exec(v);
      if (m === null || v === 'P' || v.endsWith('T')) return false;
      const [, d, h, min, sec] = m;
      return Number(d ?? 0) * 86_400 + Number(h ?? 0) * 3_600 + Number(min ?? 0) * 60 + Number(sec ?? 0) <= 90 * 86_400;
    },
    { error: 'must be an ISO 8601 duration of at most P90D, such as PT24H or P7D (days, hours, minutes, seconds)' },
  )
  .optional();
/** One route's API Gateway throttle: steady requests per second and burst, within the account-level defaults. */
const throttle = (rateLimit: number, burstLimit: number) =>
  z.strictObject({ rateLimit: int(1, 10_000, rateLimit), burstLimit: int(1, 5_000, burstLimit) }).prefault({});

/** AWS keeps this many of an account's concurrent executions unreserved; reservations must leave them. */
export const LAMBDA_MIN_UNRESERVED = 100;

const sourceList = z
  .preprocess(splitCsv, z.array(z.enum(SOURCES)).min(1, { error: 'enable at least one source' }))
  .default([...SOURCES]);

/** Every setting of the stack, with its default. Documented in infra/README.md. */
export const InfraConfigSchema = z
  .strictObject({
    /** The CloudFormation stack name; `idp-sync dlq` looks up the queue URLs in this stack's outputs. */
    stackName: z
      .string()
      .regex(/^[A-Za-z][A-Za-z0-9-]{0,127}$/, { error: 'must be a CloudFormation stack name ([A-Za-z][A-Za-z0-9-]*)' })
      .default('idp-sync'),
    /** Prefix of every physical name (queues, table, secrets, functions, log groups). */
    resourcePrefix: z
      .string()
      .regex(/^[a-z][a-z0-9-]{1,30}$/, { error: 'must be 2-31 characters of a-z, 0-9 and -' })
      .default('idp-sync'),
    sources: sourceList,
    /** Where alarm notifications go (an SNS email subscription; confirm the e-mail AWS sends). */
    alarmEmail: z.email({ error: 'must be an e-mail address' }).optional(),
    logLevel: z.enum(LOG_LEVELS).default('INFO'),
    logRetentionDays: z.coerce
      .number()
      .refine((days) => RETENTION_DAYS.has(days), {
        error: `must be one of CloudWatch's retention periods (${[...RETENTION_DAYS].sort((a, b) => a - b).join(', ')})`,
      })
      .default(30),
    metricsNamespace: z
      .string()
      .regex(/^[A-Za-z0-9._/#:-]{1,255}$/, { error: 'must be a CloudWatch namespace' })
      .default('idp-sync'),
    /** Keep the state table and the secrets when the stack is deleted. */
    retainData: bool(true),
    defaultRole: z.enum(ROLES).default('MEMBER'),
    defaultInviteMode: z.enum(INVITE_MODES).default('EMAIL_LINK'),
    okta: z
      .strictObject({
        /** The header Okta sends the shared secret in (Event Hook "Authentication field"). */
        authHeader: z
          .string()
          .regex(/^[A-Za-z0-9-]+$/, { error: 'must be an HTTP header name' })
          .default('Authorization'),
        /** `user.lifecycle.suspend` is temporary by default; `delete` makes it a departure. */
        suspendAction: z.enum(['ignore', 'delete']).default('ignore'),
        membershipEvents: z.enum(['off', 'app', 'group', 'both']).default('off'),
        appIds: idList,
        groupIds: idList,
      })
      .prefault({}),
    bamboohr: z
      .strictObject({
        emailField: z.string().min(1).default('workEmail'),
        statusField: z.string().min(1).default('status'),
      })
      .prefault({}),
    usersApi: z
      .strictObject({
        baseUrl: z
          .url({ protocol: /^https$/, error: 'must be an https URL such as https://api.arize.com' })
          .default('https://api.arize.com'),
        /**
         * Requests per second to the Users API across ALL worker instances. Each instance gets
         * `requestsPerSecond / worker.maxConcurrency` (USERS_API_RPS), so the sum never exceeds it.
         */
        requestsPerSecond: z.coerce.number().positive().max(10_000).default(10),
        /** Requests one worker instance may send back to back before the rate applies (USERS_API_BURST). */
        burst: int(1, 1000, 2),
      })
      .prefault({}),
    worker: z
      .strictObject({
        /** At most this many worker instances run at once (event source `maxConcurrency`, 2..1000). */
        maxConcurrency: int(2, 1000, 2),
        /** People processed in parallel inside one batch (WORKER_CONCURRENCY). */
        batchConcurrency: int(1, 100, 5),
        timeoutSeconds: int(10, 900, 60),
        memoryMb: int(128, 10_240, 512),
        /** Receives before SQS moves a message to the DLQ; the worker also uses it to decide "last attempt". */
        maxReceiveCount: int(1, 1000, 5),
      })
      .prefault({}),
    /**
     * The worker's deletion guard (issue #16; DELETION_GUARD_*): at most max(floor, percent % of the people managed)
     * deletes per rolling window pass; the rest are held until a person approves them (`idp-sync deletes`). On unless
     * switched off here on purpose. The defaults and why: packages/worker/README.md.
     */
    deletionGuard: z
      .strictObject({
        enabled: z.boolean().default(true),
        windowMinutes: int(5, 7 * 24 * 60, 60),
        floor: int(1, 1_000_000, 5),
        percent: z.number().min(0).max(100).default(0.5),
      })
      .prefault({}),
    /**
     * Grace periods for deactivations (issue #16; GRACE_PERIOD_<SOURCE>, off by default): a deactivation's delete
     * waits this long and a return within it cancels it; the person keeps access meanwhile. ISO 8601 durations of
     * days to seconds (`PT24H`, `P7D`), at most P90D. `revokeDeveloper` switches `is_developer` off while it waits.
     * The grace sweeper is deployed either way, so deletes scheduled before a period was removed still go through.
     */
    gracePeriods: z
      .strictObject({
        okta: gracePeriod,
        scim: gracePeriod,
        hr: gracePeriod,
        workos: gracePeriod,
        bamboohr: gracePeriod,
        revokeDeveloper: bool(false),
      })
      .prefault({}),
    /**
     * The role policy (issue #18; the worker's ROLE_POLICY): `{ "rules": [ { "when": { "source"?, "group"?, "role"?,
     * "field"?, "equals"? }, "role": "ADMIN" | { "custom": "<role id>" } } ] }`, first match wins. Passed to the worker
     * as JSON; the worker validates it at INIT and lists every problem (packages/worker/README.md, "Roles").
     */
    rolePolicy: z.optional(z.strictObject({ rules: z.array(z.record(z.string(), z.unknown())).max(200) })),
    /**
     * How long a create waits in the queue for memberships sent after it when the role policy chooses by group (the
     * worker's ROLE_SETTLE_SECONDS; 0, the default, is off; at most 900). Entra and Okta send users before groups.
     */
    roleSettleSeconds: z.coerce
      .number({ error: 'must be a whole number of seconds from 0 to 900' })
      .int({ error: 'must be a whole number of seconds from 0 to 900' })
      .min(0, { error: 'must be a whole number of seconds from 0 to 900' })
      .max(900, { error: 'must be a whole number of seconds from 0 to 900' })
      .default(0),
    /**
     * The scheduled reconcile (issue #17): a Lambda on an EventBridge schedule comparing each source of truth with the
     * Users API, publishing drift metrics, alarming when drift persists across two runs. `sources` empty: no Lambda.
     * Default: `scim` when SCIM is a source. `apply` is `report` (the default), `creates-and-updates`, or `all` (deletes
     * too, through the deletion guard). Okta and WorkOS each get a secret (the API token / key) to paste in.
     */
    reconcile: z
      .strictObject({
        sources: z.preprocess(splitCsv, z.array(z.enum(['scim', 'okta', 'workos'])).optional()),
        schedule: z
          .string()
          .regex(/^(rate\((1 (minute|hour|day)|\d{1,4} (minutes|hours|days))\)|cron\([^()]{9,100}\))$/, {
            error: 'must be an EventBridge schedule expression: rate(1 day), rate(6 hours) or cron(0 6 * * ? *)',
          })
          .default('rate(1 day)'),
        domains: z.preprocess(
          splitCsv,
          z
            .array(z.string().regex(/^[a-z0-9.-]+\.[a-z]{2,}$/, { error: 'must be email domains, e.g. example.com' }))
            .default([]),
        ),
        apply: z.enum(['report', 'creates-and-updates', 'all']).default('report'),
        okta: z
          .strictObject({
            orgUrl: z
              .string()
              .regex(/^https:\/\/[^\s/]+\/?$/, { error: 'must be https://<your org>.okta.com' })
              .optional(),
            appId: z
              .string()
              .regex(/^[A-Za-z0-9]{1,64}$/, { error: 'must be an Okta app id' })
              .optional(),
            groupId: z
              .string()
              .regex(/^[A-Za-z0-9]{1,64}$/, { error: 'must be an Okta group id' })
              .optional(),
            suspended: z.enum(['active', 'inactive']).default('active'),
          })
          .prefault({}),
        workos: z
          .strictObject({
            directoryId: z
              .string()
              .regex(/^[A-Za-z0-9_]{1,128}$/, { error: 'must be a directory_… id' })
              .optional(),
          })
          .prefault({}),
        timeoutSeconds: int(60, 900, 900),
        memoryMb: int(256, 10_240, 1024),
      })
      .prefault({}),
    ingest: z
      .strictObject({
        /** API Gateway gives up after 30 s; Okta after 3 s. */
        timeoutSeconds: int(3, 29, 10),
        memoryMb: int(128, 10_240, 512),
        /**
         * Reserved concurrency of the webhook function: held for it whatever else runs in the account, and its cap,
         * so that a flood of junk cannot take the worker's and SCIM's concurrency. Sized in infra/README.md.
         */
        reservedConcurrency: reservation(100),
      })
      .prefault({}),
    scim: z
      .strictObject({
        /** Reserved concurrency of the SCIM function (only when `scim` is a source). Sized in infra/README.md. */
        reservedConcurrency: reservation(50),
        /**
         * Provisioning groups (issue #18; the SCIM function's SCIM_PROVISIONING_GROUPS): only members of these SCIM
         * groups (by displayName or externalId) are provisioned; leaving the last one is a leave. Unset: no scoping.
         */
        provisioningGroups: z.optional(z.array(z.string().trim().min(1).max(256)).min(1).max(100)),
      })
      .prefault({}),
    /**
     * The account's Lambda concurrent-executions quota in the deploy region (Service Quotas, "Concurrent
     * executions"; AWS's default is 1,000). Only used to check that the reservations leave AWS's 100 unreserved.
     */
    accountLambdaConcurrency: int(10, 1_000_000, 1000),
    api: z
      .strictObject({
        /** The stage's default throttle, for any route without its own below. */
        throttleRateLimit: int(1, 10_000, 50),
        throttleBurstLimit: int(1, 5_000, 100),
        /** Each route's own throttle, sized from its sender (infra/README.md). */
        routes: z
          .strictObject({
            /** `GET /health`: monitoring probes. */
            health: throttle(5, 10),
            /** `GET /webhooks/okta`: Okta's one-time verification. */
            oktaVerification: throttle(1, 5),
            /** `POST /webhooks/okta`. */
            okta: throttle(50, 100),
            /** Each `/scim/v2` route. */
            scim: throttle(50, 50),
            hr: throttle(25, 50),
            workos: throttle(50, 100),
            bamboohr: throttle(25, 50),
          })
          .prefault({}),
      })
      .prefault({}),
    alarms: z
      .strictObject({
        /** Alarm when the oldest queued command is older than this. */
        oldestMessageAgeSeconds: int(60, 1_209_600, 900),
        /** Alarm when the ingest API answers this many 5xx in 5 minutes. */
        ingest5xxThreshold: int(1, 1_000_000, 5),
        /** Alarm when the worker fails this many invocations in 5 minutes. */
        workerErrorsThreshold: int(1, 1_000_000, 1),
      })
      .prefault({}),
  })
  .superRefine((config, ctx) => {
    if (config.okta.membershipEvents !== 'off' && config.okta.appIds.length + config.okta.groupIds.length === 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['okta', 'membershipEvents'],
        message: 'membership events need okta.appIds or okta.groupIds to say which memberships count',
      });
    }
    checkConcurrency(config, ctx);
    const reconcileSources = config.reconcile.sources ?? [];
    if (reconcileSources.includes('okta')) {
      if (config.reconcile.okta.orgUrl === undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['reconcile', 'okta', 'orgUrl'],
          message: 'reconcile from okta needs the org URL',
        });
      }
      if ((config.reconcile.okta.appId === undefined) === (config.reconcile.okta.groupId === undefined)) {
        ctx.addIssue({
          code: 'custom',
          path: ['reconcile', 'okta', 'appId'],
          message: 'reconcile from okta reads one app or one group: set appId or groupId',
        });
      }
    }
    if (reconcileSources.includes('workos') && config.reconcile.workos.directoryId === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['reconcile', 'workos', 'directoryId'],
        message: 'reconcile from workos needs the directory id',
      });
    }
    if (reconcileSources.includes('scim') && !config.sources.includes('scim')) {
      ctx.addIssue({
        code: 'custom',
        path: ['reconcile', 'sources'],
        message: 'reconcile from scim needs scim among the sources',
      });
    }
  });

/** The API routes each function serves, by their throttle setting (`health` and Okta's GET go to ingest). */
const INGEST_THROTTLES = ['health', 'oktaVerification', 'okta', 'hr', 'workos', 'bamboohr'] as const;

/** What {@link checkConcurrency} reads (the schema's own type cannot be named inside its refinement). */
interface ConcurrencySettings {
  readonly sources: readonly string[];
  readonly accountLambdaConcurrency: number;
  readonly ingest: { readonly reservedConcurrency: number | 'off' };
  readonly scim: { readonly reservedConcurrency: number | 'off' };
  readonly api: {
    readonly routes: Record<(typeof INGEST_THROTTLES)[number] | 'scim', { readonly burstLimit: number }>;
  };
}

/**
 * Reservations must leave AWS's 100 unreserved executions of the account's quota (else the deploy fails), and each
 * must hold the largest burst API Gateway lets through to its function (else Lambda throttles the rest of that burst
 * and API Gateway answers it with an error the sender may not retry).
 */
function checkConcurrency(config: ConcurrencySettings, ctx: z.RefinementCtx): void {
  // zod runs refinements over values that failed their own checks too: compare only numbers.
  const sources: readonly string[] = Array.isArray(config.sources) ? config.sources : [];
  const scimEnabled = sources.includes('scim');
  const ingest = typeof config.ingest.reservedConcurrency === 'number' ? config.ingest.reservedConcurrency : 'off';
  const scim =
    scimEnabled && typeof config.scim.reservedConcurrency === 'number' ? config.scim.reservedConcurrency : 'off';
  const reserved = (ingest === 'off' ? 0 : ingest) + (scim === 'off' ? 0 : scim);
  const available = config.accountLambdaConcurrency - LAMBDA_MIN_UNRESERVED;
  if (reserved > 0 && reserved > available) {
    ctx.addIssue({
      code: 'custom',
      path: ['ingest', 'reservedConcurrency'],
      message:
        `ingest.reservedConcurrency${scimEnabled ? ' + scim.reservedConcurrency' : ''} reserve ${reserved} ` +
        `concurrent executions, but an account quota of ${config.accountLambdaConcurrency} ` +
        `(accountLambdaConcurrency) leaves only ${Math.max(available, 0)} after the ${LAMBDA_MIN_UNRESERVED} AWS keeps ` +
        'unreserved: lower them, set them to "off", or raise the quota (Service Quotas) and accountLambdaConcurrency',
    });
  }
  const bursts = (names: readonly (keyof typeof config.api.routes)[]) =>
    Math.max(...names.map((name) => config.api.routes[name].burstLimit));
  const enabled = INGEST_THROTTLES.filter(
    (name) => name === 'health' || sources.includes(name === 'oktaVerification' ? 'okta' : name),
  );
  if (ingest !== 'off' && ingest < bursts(enabled)) {
    ctx.addIssue({
      code: 'custom',
      path: ['ingest', 'reservedConcurrency'],
      message: `must be at least the largest burst of the webhook routes (${bursts(enabled)}), or Lambda throttles the rest of such a burst: raise it or lower api.routes.*.burstLimit`,
    });
  }
  if (scim !== 'off' && scim < config.api.routes.scim.burstLimit) {
    ctx.addIssue({
      code: 'custom',
      path: ['scim', 'reservedConcurrency'],
      message: `must be at least api.routes.scim.burstLimit (${config.api.routes.scim.burstLimit}), or Lambda throttles the rest of such a burst: raise it or lower the burst`,
    });
  }
}

export type InfraConfig = z.infer<typeof InfraConfigSchema>;
export type InfraConfigInput = z.input<typeof InfraConfigSchema>;

/** The configuration is wrong: `problems` names each setting and what to do. */
export class InfraConfigError extends Error {
  override readonly name = 'InfraConfigError';
  constructor(readonly problems: readonly string[]) {
    super(`invalid idp-sync configuration (context "${CONTEXT_KEY}"):\n  - ${problems.join('\n  - ')}`);
  }
}

function setPath(target: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let node = target;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    if (next === null || typeof next !== 'object' || Array.isArray(next)) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[path[path.length - 1]!] = value;
}

/**
 * Builds the configuration from CDK context: the object under `idp-sync` (cdk.json, or `-c idp-sync='{"...": ...}'`),
 * then each `idp-sync.<dotted.path>` key (`-c idp-sync.worker.maxConcurrency=4`) on top. Unknown settings, wrong
 * types and out-of-range values throw an {@link InfraConfigError} that lists every problem.
 *
 * @example
 * const config = loadInfraConfig(app.node.getAllContext());
 * config.worker.maxConcurrency // 2
 */
export function loadInfraConfig(context: Readonly<Record<string, unknown>>): InfraConfig {
  const problems: string[] = [];
  let base: unknown = context[CONTEXT_KEY] ?? {};
  if (typeof base === 'string') {
    try {
      base = JSON.parse(base);
    } catch {
      problems.push(`${CONTEXT_KEY}: must be a JSON object`);
      base = {};
    }
  }
  if (base === null || typeof base !== 'object' || Array.isArray(base)) {
    problems.push(`${CONTEXT_KEY}: must be an object`);
    base = {};
  }
  const input = structuredClone(base) as Record<string, unknown>;
  const prefix = `${CONTEXT_KEY}.`;
  for (const [key, value] of Object.entries(context)) {
    if (!key.startsWith(prefix)) continue;
    const path = key.slice(prefix.length).split('.');
    if (path.some((part) => part === '' || part === '__proto__' || part === 'constructor' || part === 'prototype')) {
      problems.push(`${key}: not a valid setting path`);
      continue;
    }
    setPath(input, path, value);
  }
  const parsed = InfraConfigSchema.safeParse(input);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const at = [CONTEXT_KEY, ...issue.path.map(String)];
      // One line per unknown setting, named by its full path like every other problem (a typo is found by name).
      if (issue.code === 'unrecognized_keys') {
        for (const key of issue.keys)
          problems.push(`${[...at, key].join('.')}: not a setting (infra/README.md lists them)`);
      } else problems.push(`${at.join('.')}: ${issue.message}`);
    }
  }
  if (problems.length > 0 || !parsed.success) throw new InfraConfigError(problems);
  return parsed.data;
}
