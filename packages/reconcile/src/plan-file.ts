import { MAX_JSON_DEPTH, parseUntrustedJson } from '@idp-sync/common';
import { EmailSchema, PREDEFINED_ROLES } from '@idp-sync/contracts';
import * as z from 'zod';
import { PlanFileError } from './errors';
import { PLAN_ACTIONS } from './plan/planner';
import { PLAN_FORMAT_VERSION, type ReconcilePlan } from './reconcile';

const count = z.number().int().min(0);
const PlanFileSchema = z.strictObject({
  version: z.literal(PLAN_FORMAT_VERSION),
  snapshotId: z.string().regex(/^[0-9a-f]{16}$/, 'must be 16 hex digits'),
  takenAt: z.iso.datetime({ offset: true }),
  source: z.string().min(1).max(512),
  scope: z.array(z.string().min(1).max(253)).max(100),
  deleteUnmanaged: z.boolean(),
  counts: z.strictObject({
    create: count,
    update: count,
    adopt: count,
    delete: count,
    unmanaged: count,
    terminal: count,
    inSync: count,
    outOfScope: count,
    directory: count,
    usersApi: count,
  }),
  rows: z
    .array(
      z.strictObject({
        action: z.enum(PLAN_ACTIONS),
        email: EmailSchema,
        name: z.string().trim().min(1).max(255).optional(),
        role: z.enum(PREDEFINED_ROLES).optional(),
        currentName: z.string().max(255).optional(),
        userId: z.string().min(1).max(256).optional(),
        apiStatus: z.enum(['ACTIVE', 'INVITED', 'EXPIRED']).optional(),
        reason: z.string().max(1000),
      }),
    )
    .max(2_000_000),
});

/**
 * A plan as JSON (`idp-sync reconcile --save-plan plan.json`): everything needed to apply it later, exactly as it was
 * planned. It holds full email addresses: keep it where the directory export is kept.
 *
 * @example
 * writeFileSync('plan.json', serializePlan(plan), { mode: 0o600 });
 */
export function serializePlan(plan: ReconcilePlan): string {
  return `${JSON.stringify(plan, null, 2)}\n`;
}

/**
 * Reads a saved plan (`--plan plan.json`), checked against its format: a plan edited by hand into something else, or
 * one from another version, is refused with every problem named.
 *
 * @example
 * const plan = parsePlan(readFileSync('plan.json', 'utf8'), 'plan.json');
 */
export function parsePlan(text: string, file: string): ReconcilePlan {
  const json = parseUntrustedJson(text, MAX_JSON_DEPTH);
  if (!json.ok) {
    throw new PlanFileError(file, [json.reason === 'too-deep' ? json.detail : `not valid JSON: ${json.error.message}`]);
  }
  const parsed = PlanFileSchema.safeParse(json.value);
  if (!parsed.success) {
    throw new PlanFileError(
      file,
      parsed.error.issues.map((issue) => `${issue.path.map(String).join('.') || '(plan)'}: ${issue.message}`),
    );
  }
  return parsed.data as ReconcilePlan;
}
