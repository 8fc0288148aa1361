import {
  DEFAULT_STATE_TABLE_NAME,
  INVITE_MODES,
  PREDEFINED_ROLES,
  parseRolePolicy,
  type RolePolicyRule,
} from '@idp-sync/contracts';
import * as z from 'zod';
import { WorkerConfigError } from '../errors';
import { type GracePeriodConfig, readGracePeriods } from '../grace/config';
import { DEFAULT_DELETION_GUARD, type DeletionGuardConfig } from '../state/deletion-guard';

const int = (min: number, max: number, fallback: number) => z.coerce.number().int().min(min).max(max).default(fallback);
/**
 * An absolute http(s) URL, checked by shape only: fauxqs queue URLs (`http://sqs.us-east-1.127.0.0.1:4566/…`) end
 * their host in a number, which WHATWG URL parsing (and zod's `z.url()`) rejects; they are identifiers, not hosts.
 */
const absoluteUrl = (message: string) => z.string().regex(/^https?:\/\/[^\s/]+(\/\S*)?$/, message);
const optionalUrl = absoluteUrl('must be an absolute http(s) URL').optional();
const blankToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);

/** The worker's environment, validated once by {@link loadWorkerConfig}; each variable is in the package README. */
const WorkerEnvSchema = z.object({
  QUEUE_URL: z.preprocess(blankToUndefined, optionalUrl),
  DLQ_URL: z.preprocess(blankToUndefined, absoluteUrl('must be the URL of the FIFO dead-letter queue')),
  STATE_TABLE_NAME: z.preprocess(blankToUndefined, z.string().min(3).max(255).default(DEFAULT_STATE_TABLE_NAME)),
  MAX_RECEIVE_COUNT: z.preprocess(blankToUndefined, int(1, 1000, 5)),
  USERS_API_RPS: z.preprocess(blankToUndefined, z.coerce.number().positive().max(10_000).default(10)),
  USERS_API_BURST: z.preprocess(blankToUndefined, int(1, 1000, 2)),
  WORKER_CONCURRENCY: z.preprocess(blankToUndefined, int(1, 100, 5)),
  IDEMPOTENCY_TTL_SECONDS: z.preprocess(blankToUndefined, int(60, 30 * 24 * 3600, 7 * 24 * 3600)),
  ARIZE_BASE_URL: z.preprocess(blankToUndefined, optionalUrl),
  ARIZE_API_KEY: z.preprocess(blankToUndefined, z.string().optional()),
  ARIZE_API_KEY_SECRET_ARN: z.preprocess(
    blankToUndefined,
    z
      .string()
      .regex(/^arn:aws[\w-]*:secretsmanager:/, 'must be a Secrets Manager ARN')
      .optional(),
  ),
  SQS_ENDPOINT: z.preprocess(blankToUndefined, optionalUrl),
  DYNAMODB_ENDPOINT: z.preprocess(blankToUndefined, optionalUrl),
  AWS_REGION: z.preprocess(blankToUndefined, z.string().min(1).default('us-east-1')),
  DEFAULT_ROLE: z.preprocess(blankToUndefined, z.enum(PREDEFINED_ROLES).default('MEMBER')),
  DEFAULT_INVITE_MODE: z.preprocess(blankToUndefined, z.enum(INVITE_MODES).default('EMAIL_LINK')),
  USERS_API_TIMEOUT_MS: z.preprocess(blankToUndefined, int(100, 120_000, 10_000)),
  USERS_API_RETRY_ATTEMPTS: z.preprocess(blankToUndefined, int(1, 10, 3)),
  USERS_API_RETRY_BUDGET_MS: z.preprocess(blankToUndefined, int(0, 120_000, 5_000)),
  VISIBILITY_BASE_SECONDS: z.preprocess(blankToUndefined, int(1, 43_200, 30)),
  VISIBILITY_MAX_SECONDS: z.preprocess(blankToUndefined, int(1, 43_200, 900)),
  PROCESSING_TIMEOUT_MS: z.preprocess(blankToUndefined, int(1_000, 900_000, 25_000)),
  ROLE_SETTLE_SECONDS: z.preprocess(blankToUndefined, int(0, 900, 0)),
  DELETION_GUARD: z.preprocess(
    (v) => (typeof v === 'string' ? v.trim().toLowerCase() || undefined : v),
    z
      .enum(['on', 'off'], { message: 'must be on or off (on unless you mean to apply every delete unchecked)' })
      .default('on'),
  ),
  DELETION_GUARD_WINDOW_MINUTES: z.preprocess(
    blankToUndefined,
    int(5, 7 * 24 * 60, DEFAULT_DELETION_GUARD.windowMinutes),
  ),
  DELETION_GUARD_FLOOR: z.preprocess(blankToUndefined, int(1, 1_000_000, DEFAULT_DELETION_GUARD.floor)),
  DELETION_GUARD_PERCENT: z.preprocess(
    blankToUndefined,
    z.coerce
      .number({ message: 'must be a percentage from 0 to 100, e.g. 0.5' })
      .min(0, { message: 'must be a percentage from 0 to 100, e.g. 0.5' })
      .max(100, { message: 'must be a percentage from 0 to 100, e.g. 0.5' })
      .default(DEFAULT_DELETION_GUARD.percent),
  ),
});

/** The worker's configuration (camelCase, defaults applied). */
export interface WorkerConfig {
  /** The work queue; when absent it is derived from the record's `eventSourceARN`. */
  queueUrl?: string;
  dlqUrl: string;
  stateTableName: string;
  /** The receive on which a transient failure goes to the DLQ instead of back to the queue. */
  maxReceiveCount: number;
  /** Requests per second this worker sends to the Users API at most. */
  usersApiRps: number;
  /** Requests that may go back to back after an idle spell (lets a late timer catch up; the average stays ≤ rps). */
  usersApiBurst: number;
  /** People processed in parallel within a batch. */
  concurrency: number;
  idempotencyTtlSeconds: number;
  arizeBaseUrl?: string;
  arizeApiKey?: string;
  arizeApiKeySecretArn?: string;
  sqsEndpoint?: string;
  dynamoDbEndpoint?: string;
  region: string;
  defaultRole: (typeof PREDEFINED_ROLES)[number];
  defaultInviteMode: (typeof INVITE_MODES)[number];
  usersApiTimeoutMs: number;
  /** HTTP attempts per Users API call within one delivery (in-process retries, honouring Retry-After). */
  usersApiRetryAttempts: number;
  /** Time one Users API call may spend on attempts and waits within one delivery. */
  usersApiRetryBudgetMs: number;
  visibilityBaseSeconds: number;
  visibilityMaxSeconds: number;
  /** Without a Lambda context (local poller): how long a batch may take before its in-progress records expire. */
  processingTimeoutMs: number;
  /** The deletion guard (on by default): how many deletes per rolling window pass before the rest are held. */
  deletionGuard: DeletionGuardConfig;
  /** Grace periods per source (off by default): a deactivation's delete waits, a return within it cancels it. */
  gracePeriods: GracePeriodConfig;
  /** The role policy (`ROLE_POLICY`, issue #18): ordered rules from what a source says to the role a create assigns. */
  rolePolicy: readonly RolePolicyRule[];
  /**
   * How long a create waits after it was queued when the role policy chooses by group for its source
   * (`ROLE_SETTLE_SECONDS`, 0 = off): memberships that follow the create (Entra and Okta send users first, then groups)
   * are recorded in time to choose the role.
   */
  roleSettleSeconds: number;
}

/**
 * Reads and validates the worker's environment. Throws {@link WorkerConfigError} naming each variable to fix.
 *
 * @example
 * const config = loadWorkerConfig({ DLQ_URL: 'https://sqs.eu-west-1.amazonaws.com/1/dlq.fifo', ARIZE_API_KEY: 'k' });
 * config.maxReceiveCount // 5
 */
export function loadWorkerConfig(env: Record<string, string | undefined> = process.env): WorkerConfig {
  const parsed = WorkerEnvSchema.safeParse(env);
  const issues = parsed.success
    ? []
    : parsed.error.issues.map((i) => `${i.path.join('.') || '(environment)'}: ${i.message}`);
  // Checked here rather than in a refinement so that they are reported together with every other problem.
  if (!env.ARIZE_API_KEY?.trim() && !env.ARIZE_API_KEY_SECRET_ARN?.trim()) {
    issues.push('ARIZE_API_KEY: set ARIZE_API_KEY (local) or ARIZE_API_KEY_SECRET_ARN (AWS Secrets Manager)');
  }
  if (parsed.success && parsed.data.VISIBILITY_MAX_SECONDS < parsed.data.VISIBILITY_BASE_SECONDS) {
    issues.push('VISIBILITY_MAX_SECONDS: must be at least VISIBILITY_BASE_SECONDS');
  }
  const gracePeriods = readGracePeriods(env, issues);
  let rolePolicy: RolePolicyRule[] = [];
  if (env.ROLE_POLICY?.trim()) {
    const policy = parseRolePolicy(env.ROLE_POLICY);
    if ('problems' in policy) issues.push(...policy.problems.map((p) => `ROLE_POLICY: ${p}`));
    else rolePolicy = policy.rules;
  }
  if (!parsed.success || issues.length > 0) throw new WorkerConfigError(issues);
  const e = parsed.data;
  return {
    queueUrl: e.QUEUE_URL,
    dlqUrl: e.DLQ_URL,
    stateTableName: e.STATE_TABLE_NAME,
    maxReceiveCount: e.MAX_RECEIVE_COUNT,
    usersApiRps: e.USERS_API_RPS,
    usersApiBurst: e.USERS_API_BURST,
    concurrency: e.WORKER_CONCURRENCY,
    idempotencyTtlSeconds: e.IDEMPOTENCY_TTL_SECONDS,
    arizeBaseUrl: e.ARIZE_BASE_URL,
    arizeApiKey: e.ARIZE_API_KEY,
    arizeApiKeySecretArn: e.ARIZE_API_KEY_SECRET_ARN,
    sqsEndpoint: e.SQS_ENDPOINT,
    dynamoDbEndpoint: e.DYNAMODB_ENDPOINT,
    region: e.AWS_REGION,
    defaultRole: e.DEFAULT_ROLE,
    defaultInviteMode: e.DEFAULT_INVITE_MODE,
    usersApiTimeoutMs: e.USERS_API_TIMEOUT_MS,
    usersApiRetryAttempts: e.USERS_API_RETRY_ATTEMPTS,
    usersApiRetryBudgetMs: e.USERS_API_RETRY_BUDGET_MS,
    visibilityBaseSeconds: e.VISIBILITY_BASE_SECONDS,
    visibilityMaxSeconds: e.VISIBILITY_MAX_SECONDS,
    processingTimeoutMs: e.PROCESSING_TIMEOUT_MS,
    deletionGuard: {
      enabled: e.DELETION_GUARD === 'on',
      windowMinutes: e.DELETION_GUARD_WINDOW_MINUTES,
      floor: e.DELETION_GUARD_FLOOR,
      percent: e.DELETION_GUARD_PERCENT,
    },
    gracePeriods,
    rolePolicy,
    roleSettleSeconds: e.ROLE_SETTLE_SECONDS,
  };
}
