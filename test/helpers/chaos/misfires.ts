import { runCli } from '@idp-sync/cli';
import type { LocalStack } from '@idp-sync/local-stack';
import { captureIo } from '../cli-io';
import { type DeliveryContext, type DeliveryResult, deliver } from './deliver';
import type { ModelResult } from './model';
import { Rng } from './prng';
import type { Delivery, ExpectedCommand, OktaEventSpec, SourceEvent } from './types';
import { type EmulatorRecord, observe, verify } from './verify';
import { WorkerProcess, type WorkerStats } from './worker-control';

/**
 * Issue #16's two misfires, run after the main scenario on the same stack with the deletion guard at its defaults:
 * an HR bulk leave naming 60 % of the people still provisioned (a wrong HR rule) and a burst of 40 Okta deactivations
 * (the wrong group unassigned), a few of them followed by a reactivation. On-call then does what the runbook says with
 * the real CLI: lists what is held, discards the HR misfire, approves the Okta wave, re-arms. Checked:
 * - nobody beyond the limit was deleted by the misfires, and exactly the limit was (no faults run here);
 * - every held delete is listed, none missing, none extra;
 * - approval applies each approved delete exactly once, in the person's order: a held delete whose person was
 *   reactivated meanwhile is superseded, never applied over the reactivation; approving again applies nothing;
 * - discard drops them: those people keep their accounts, also when HR retries the same delivery;
 * - the rest of the scenario still matches the model (the model, updated with the misfires' expected effects).
 * The emulator's faults are off here and the worker is not killed: this phase checks the guard's accounting, which
 * a 5xx after an applied delete would blur (a retried delete is counted again: stricter, by design).
 */
export interface MisfireOptions {
  readonly stack: LocalStack;
  readonly ctx: DeliveryContext;
  readonly model: ModelResult;
  readonly seed: number;
  readonly workerEnv: NodeJS.ProcessEnv;
  readonly stats: WorkerStats;
  readonly log: (line: string) => void;
}

export interface MisfireReport {
  /** The guard's limit when it tripped (deletes per rolling hour). */
  readonly limit: number;
  readonly hrBulkLeave: number;
  readonly oktaDeactivations: number;
  readonly reactivatedMeanwhile: number;
  /** Deleted by the misfires before the guard tripped. */
  readonly passedBeforeTrip: number;
  readonly held: number;
  readonly listed: number;
  readonly discarded: number;
  readonly approved: number;
  readonly appliedAfterApproval: number;
  readonly superseded: number;
  readonly problems: string[];
}

interface Row {
  commandId: string;
  source: string;
  person: string;
  status: string;
}

/**
 * Runs the misfires and returns their figures; `problems` lists everything that did not hold (the caller adds them to
 * the verdict). The main scenario's worker must be stopped before.
 *
 * @example
 * const misfires = await runMisfires({ stack, ctx, model, seed, workerEnv, stats, log });
 */
export async function runMisfires(options: MisfireOptions): Promise<MisfireReport> {
  const { stack, ctx, model, log } = options;
  const problems: string[] = [];
  const rng = new Rng(options.seed, 'misfires');
  const cliEnv: NodeJS.ProcessEnv = {
    SQS_ENDPOINT: stack.urls.sqs,
    DYNAMODB_ENDPOINT: stack.urls.dynamoDb,
    IDP_SYNC_STATE_TABLE: stack.stateTableName,
    IDP_SYNC_QUEUE_NAME: stack.queues.queueName,
    IDP_SYNC_DLQ_NAME: stack.queues.dlqName,
    IDP_SYNC_RECEIVE_WAIT_SECONDS: '0',
    AWS_REGION: stack.region,
    USER: 'chaos-oncall',
  };
  const cli = async (argv: string[]) => {
    const captured = captureIo(cliEnv);
    const code = await runCli(argv, captured.io);
    if (code !== 0) problems.push(`idp-sync ${argv.join(' ')} exited ${code}: ${captured.stderr().slice(0, 300)}`);
    return { code, stdout: captured.stdout(), stderr: captured.stderr() };
  };
  const drain = () => stack.waitForDrain({ timeoutMs: 120_000, intervalMs: 250 });
  const records = async () =>
    ((await (await fetch(`${stack.urls.usersApi}/_emulator/users`)).json()) as { users: EmulatorRecord[] }).users;
  const deleted = (all: EmulatorRecord[]) =>
    new Set(all.filter((r) => r.status === 'DELETED' || r.deletedAt !== undefined).map((r) => r.email.toLowerCase()));

  const faultsOff = await fetch(`${stack.urls.usersApi}/_emulator/faults`, { method: 'DELETE' });
  if (faultsOff.status >= 300) problems.push(`the emulator refused to clear its faults (${faultsOff.status})`);
  // The main scenario's leaves filled the window: counting starts afresh, as after an incident.
  await cli(['deletes', 'rearm', '--by', 'chaos-oncall']);
  const worker = await WorkerProcess.start(
    { ...options.workerEnv, DELETION_GUARD_FLOOR: '5', DELETION_GUARD_PERCENT: '0.5' },
    options.stats,
  );
  try {
    // The people still provisioned, in a seeded order; 60 % of them leave by HR, 40 of the rest by Okta.
    const alive = [...model.people.values()]
      .filter((p) => p.api === 'INVITED' || p.api === 'ACTIVE')
      .map((p) => p.email)
      .sort();
    for (let i = alive.length - 1; i > 0; i--) {
      const j = rng.int(0, i);
      [alive[i], alive[j]] = [alive[j] as string, alive[i] as string];
    }
    const hr = alive.slice(0, Math.ceil(alive.length * 0.6));
    const okta = alive.slice(hr.length, hr.length + 40);
    const reactivated = okta.slice(0, Math.min(5, Math.floor(okta.length / 4)));
    const byEmail = new Map(ctx.people.map((p) => [p.email, p]));
    log(
      `misfires: ${alive.length} people provisioned; HR bulk leave of ${hr.length} (60 %), ${okta.length} Okta deactivations, ${reactivated.length} reactivated meanwhile`,
    );

    let seq = 1_000_000;
    let id = 1_000_000;
    const at = Date.now();
    const send = async (event: Omit<SourceEvent, 'id'>, mode: Delivery['mode'] = 'original') => {
      const result: DeliveryResult = await deliver({ seq: seq++, event: { ...event, id: id++ }, mode }, ctx);
      if (result.problem) problems.push(`misfire delivery ${event.label}: ${result.problem}`);
    };
    const expected = (email: string, source: 'hr' | 'okta', action: 'delete' | 'create', ms: number) =>
      ({ ref: `misfire:${source}:${action}:${email}`, email, action, source, occurredAtMs: ms }) as ExpectedCommand;

    // 1. The HR misfire: one users.left naming 60 % of the people.
    const hrEvent: Omit<SourceEvent, 'id'> = {
      label: `misfire: hr bulk leave (${hr.length})`,
      spec: {
        source: 'hr',
        webhookId: `msg_misfire_${options.seed}`,
        type: 'users.left',
        timestampMs: at,
        data: { emails: hr },
      },
      commands: hr.map((email) => expected(email, 'hr', 'delete', at)),
      people: hr,
    };
    if (hr.length > 0) await send(hrEvent);
    await drain();

    // 2. The Okta burst: 40 deactivations in one delivery, then a few of those people reactivated.
    const oktaEvent = (email: string, eventType: string, ms: number): OktaEventSpec => ({
      uuid: `misfire-${eventType}-${rng.uuid()}`,
      eventType,
      publishedMs: ms,
      login: email,
      oktaId: byEmail.get(email)?.oktaId ?? `00u${rng.hex(17)}`,
      displayName: email.split('@')[0] ?? email,
    });
    if (okta.length > 0) {
      await send({
        label: `misfire: okta deactivation burst (${okta.length})`,
        spec: { source: 'okta', events: okta.map((email) => oktaEvent(email, 'user.lifecycle.deactivate', at + 1000)) },
        commands: okta.map((email) => expected(email, 'okta', 'delete', at + 1000)),
        people: okta,
      });
    }
    if (reactivated.length > 0) {
      await send({
        label: `misfire: okta reactivations (${reactivated.length})`,
        spec: {
          source: 'okta',
          events: reactivated.map((email) => oktaEvent(email, 'user.lifecycle.reactivate', at + 2000)),
        },
        commands: reactivated.map((email) => expected(email, 'okta', 'create', at + 2000)),
        people: reactivated,
      });
    }
    await drain();

    // 3. What the guard did: exactly the limit deleted, the rest held and listed.
    const list = await cli(['deletes', 'list', '--json', '--show-emails']);
    const rows = JSON.parse(list.stdout || '[]') as Row[];
    const limitMatch = /limit (\d+)\)/.exec(list.stderr);
    const limit = limitMatch ? Number(limitMatch[1]) : Number.NaN;
    if (!/TRIPPED/.test(list.stderr))
      problems.push(`misfires: the deletion guard did not trip (${list.stderr.trim()})`);
    const targets = [...hr, ...okta];
    const gone = deleted(await records());
    const passed = targets.filter((email) => gone.has(email));
    const wantPassed = Math.min(limit, targets.length);
    if (passed.length > limit) problems.push(`misfires: ${passed.length} people deleted, beyond the limit of ${limit}`);
    if (passed.length !== wantPassed)
      problems.push(`misfires: ${passed.length} people deleted before the guard held the rest, expected ${wantPassed}`);
    const heldEmails = new Set(rows.filter((r) => r.status === 'held').map((r) => r.person));
    for (const email of targets) {
      if (!gone.has(email) && !heldEmails.has(email))
        problems.push(`misfires: ${email} neither deleted nor listed as held`);
      if (gone.has(email) && heldEmails.has(email)) problems.push(`misfires: ${email} deleted and also listed as held`);
    }
    for (const email of heldEmails) {
      if (!targets.includes(email)) problems.push(`misfires: ${email} listed as held, but no misfire named them`);
    }
    log(
      `misfires: limit ${limit}; ${passed.length} deleted before the guard tripped, ${heldEmails.size} held and listed`,
    );

    // 4. On-call: the HR wave was a misfire (discard); the Okta wave is real (approve).
    const discard = await cli(['deletes', 'discard', '--source', 'hr', '--yes', '--by', 'chaos-oncall']);
    const approve = await cli(['deletes', 'approve', '--source', 'okta', '--yes', '--by', 'chaos-oncall']);
    const discarded = (discard.stdout.match(/^discarded /gm) ?? []).length;
    const approved = (approve.stdout.match(/^approved /gm) ?? []).length;
    await drain();
    const again = await cli(['deletes', 'approve', '--source', 'okta', '--yes', '--by', 'chaos-oncall']);
    if (!/nothing to approve/.test(again.stderr))
      problems.push(`misfires: a second approval did something: ${again.stderr}`);
    // HR retries the same delivery (same webhook id): discarded deletes stay discarded.
    if (hr.length > 0) await send(hrEvent, 'retry');
    await drain();

    const after = deleted(await records());
    const final = JSON.parse(
      (await cli(['deletes', 'list', '--all', '--json', '--show-emails'])).stdout || '[]',
    ) as Row[];
    const statusOf = new Map(final.map((r) => [`${r.source}|${r.person}`, r.status]));
    let appliedAfterApproval = 0;
    let superseded = 0;
    for (const email of hr) {
      if (passed.includes(email)) continue;
      if (after.has(email)) problems.push(`misfires: ${email} was discarded but deleted`);
      if (statusOf.get(`hr|${email}`) !== 'discarded')
        problems.push(`misfires: ${email}'s HR delete is ${statusOf.get(`hr|${email}`)}, expected discarded`);
    }
    for (const email of okta) {
      if (passed.includes(email)) continue;
      const status = statusOf.get(`okta|${email}`);
      if (reactivated.includes(email)) {
        superseded += status === 'superseded' ? 1 : 0;
        if (after.has(email)) problems.push(`misfires: ${email} was reactivated after the deactivation, yet deleted`);
        if (status !== 'superseded')
          problems.push(`misfires: ${email}'s approved delete is ${status}, expected superseded`);
      } else {
        appliedAfterApproval += status === 'applied' ? 1 : 0;
        if (!after.has(email)) problems.push(`misfires: ${email}'s delete was approved but not applied`);
        if (status !== 'applied') problems.push(`misfires: ${email}'s approved delete is ${status}, expected applied`);
      }
    }
    await cli(['deletes', 'rearm', '--by', 'chaos-oncall']);

    // 5. The rest of the scenario still matches the model, with the misfires' effects added to it.
    for (const email of targets) {
      const person = model.people.get(email);
      if (person === undefined) continue;
      const fromOkta = okta.includes(email);
      if (passed.includes(email) || (fromOkta && !reactivated.includes(email))) {
        person.api = 'DELETED';
        person.watermarkMs = fromOkta ? at + 1000 : at;
      } else if (reactivated.includes(email)) {
        person.watermarkMs = at + 2000;
      }
    }
    const verdict = verify({ ...model, deadLetters: [] }, await observe(stack));
    for (const problem of verdict.problems) problems.push(`after the misfires: ${problem}`);

    return {
      limit,
      hrBulkLeave: hr.length,
      oktaDeactivations: okta.length,
      reactivatedMeanwhile: reactivated.length,
      passedBeforeTrip: passed.length,
      held: heldEmails.size,
      listed: rows.length,
      discarded,
      approved,
      appliedAfterApproval,
      superseded,
      problems,
    };
  } finally {
    await worker.stop();
  }
}
