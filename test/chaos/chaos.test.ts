import { describe, expect, it } from 'vitest';
import { formatReport, runChaos } from './chaos';

/**
 * The CI size of the chaos run (`npm run chaos -- --events 5000 --seed N` is the full one): 500 deliveries from every
 * source, 20 % of them duplicates, some held back, some redelivered past SQS's deduplication window; the emulator
 * failing 10 % of requests with 5xx (half after applying them), 5 % with 429 and Retry-After, 2 % hanging; the worker
 * SIGKILLed mid-batch three times. The Users API must end up exactly as the reference model computes from the event
 * log, every DLQ message must be a permanent failure the model expects, and nobody may be created twice. Then issue
 * #16's misfires (an HR bulk leave of 60 % of the people, a burst of Okta deactivations) meet the deletion guard at
 * its defaults, and on-call's discard and approval through the CLI must leave the Users API as the model says. Twice
 * in the middle of the scenario, reconcile (issue #17) repairs whatever has not reached the Users API yet; its commands
 * are part of the log the model runs on.
 *
 * Seed 23 is chosen because its 500 deliveries include every DLQ reason, SCIM people, bulk leaves and stale events.
 */
const SEED = 23;

describe('chaos on the local stack (CI size)', () => {
  it('ends exactly where the reference model says, with no command lost and nobody created twice', async () => {
    const report = await runChaos({ events: 500, seed: SEED, restarts: 3 });
    const summary = formatReport(report);

    expect(report.verdict.problems, summary).toEqual([]);

    // The run exercised what it claims to.
    expect(report.scenario.deliveries).toBe(500);
    expect(Object.keys(report.scenario.bySource).sort()).toEqual(['bamboohr', 'hr', 'okta', 'scim', 'workos']);
    expect(report.scenario.retries + report.scenario.lateRedeliveries).toBe(100);
    expect(report.scenario.lateRedeliveries).toBeGreaterThan(0);
    expect(report.scenario.heldBack).toBeGreaterThan(0);
    expect(report.model.stale).toBeGreaterThan(0);
    expect(report.worker.restarts).toBe(3);
    expect(report.worker.killedMidBatch, summary).toBeGreaterThanOrEqual(2);
    for (const status of ['429', '500', '503', 'hang'])
      expect(report.usersApi.byStatus[status], summary).toBeGreaterThan(0);
    expect(Object.keys(report.verdict.figures.byErrorClass).sort()).toEqual([
      'EmailDeleted',
      'ResetPasswordRejected',
      'UserNotFound',
    ]);
    // Issue #17: reconcile ran twice mid-scenario against what the model says by then, and its commands (in flight
    // drift: the worker lags behind the deliveries) went through the real queue; the model ran them too.
    expect(report.reconciles).toHaveLength(2);
    expect(
      report.reconciles.reduce((n, r) => n + r.sent, 0),
      summary,
    ).toBeGreaterThan(0);
    // (What else a snapshot sees depends on where the worker is — an account created whose state is not written yet
    // reads as unmanaged or adopt — and reports send nothing; the verdict above is what must hold.)
    // Issue #16's misfires ran after it: the guard held all but its limit, on-call listed, discarded and approved.
    expect(report.misfires, summary).toMatchObject({ limit: 5, passedBeforeTrip: 5 });
    const m = report.misfires!;
    expect(m.hrBulkLeave + m.oktaDeactivations, summary).toBeGreaterThan(m.limit);
    expect(m.held).toBe(m.hrBulkLeave + m.oktaDeactivations - m.passedBeforeTrip);
    expect(m.listed).toBe(m.held);
    expect(m.discarded + m.approved).toBe(m.held);
    expect(m.superseded).toBe(m.reactivatedMeanwhile);
    expect(m.appliedAfterApproval).toBe(m.approved - m.superseded);
  }, 180_000);
});
