import { createSqsCommandSender, type DirectoryPerson } from '@idp-sync/contracts';
import type { LocalStack } from '@idp-sync/local-stack';
import { applyPlan, commandsOf, type PlanCounts, planFrom } from '@idp-sync/reconcile';
import { createUsersClient } from '@idp-sync/users-client';
import { runModel } from './model';
import type { Delivery, ExpectedCommand } from './types';

/** What one reconcile run in the middle of the chaos scenario did. */
export interface ReconcileRun {
  /** The snapshot's time: just after the last event delivered before it (the scenario's times are synthetic). */
  readonly snapshotAtMs: number;
  readonly counts: PlanCounts;
  readonly sent: number;
  /** Attempts the snapshot took (the emulator's faults fail some list calls). */
  readonly attempts: number;
}

/**
 * Issue #17 in the chaos run: at a barrier (every delivery so far answered, none in flight; the worker may still be
 * draining, killed or retrying), reconcile against a source of truth that says what the model says the Users API
 * should hold by now — the directory a customer's HR system would export. What reconcile plans is whatever has not
 * reached the Users API yet (commands still in the queue, retried, behind a killed batch), plus nothing else; its
 * commands go through the real queue and worker. They become part of the event log: a synthetic delivery after every
 * delivery so far, with the snapshot's time, so the model applies them as the worker must (a create of someone who
 * exists is a no-op that moves the watermark; a delete of someone gone, the same; SCIM people's watermarks are the
 * server's clock, newer than any synthetic time, so their reconcile commands are stale).
 *
 * @example
 * const { delivery, run } = await reconcileAtBarrier({ stack, deliveries: soFar, runIndex: 1 });
 */
export async function reconcileAtBarrier(options: {
  stack: LocalStack;
  /** Every delivery so far, with earlier reconcile deliveries in place. */
  deliveries: readonly Delivery[];
  runIndex: number;
}): Promise<{ delivery: Delivery; run: ReconcileRun }> {
  const { stack } = options;
  const model = runModel(options.deliveries);
  const directory: DirectoryPerson[] = [];
  for (const person of model.people.values()) {
    if (person.api === 'none') continue;
    directory.push({
      email: person.email,
      active: person.api === 'INVITED' || person.api === 'ACTIVE',
      ...(person.name === undefined ? {} : { name: person.name }),
    });
  }
  let latest = 0;
  for (const delivery of options.deliveries) {
    for (const command of delivery.event.commands) {
      if (command.source !== 'scim') latest = Math.max(latest, command.occurredAtMs);
    }
  }
  const snapshotAtMs = latest + 1;
  const users = createUsersClient({
    apiKey: stack.usersApiKey,
    baseUrl: stack.urls.usersApi,
    // The emulator fails and hangs some requests on purpose: short timeouts, many retries.
    timeoutMs: 1_000,
    retry: { maxAttempts: 8, baseDelayMs: 50, maxDelayMs: 1_000 },
  });
  try {
    for (let attempt = 1; ; attempt++) {
      try {
        const plan = await planFrom({
          source: {
            name: `chaos model (reconcile ${options.runIndex})`,
            async *people() {
              yield* directory;
            },
          },
          users: users.users,
          dynamoClient: stack.dynamoClient,
          tableName: stack.stateTableName,
          now: () => new Date(snapshotAtMs),
        });
        const { sent } = await applyPlan(
          plan,
          createSqsCommandSender({ client: stack.sqsClient, queueUrl: stack.queues.queueUrl }),
        );
        const commands: ExpectedCommand[] = commandsOf(plan).map((c) => ({
          ref: c.id,
          email: c.email,
          action: c.action,
          source: 'reconcile',
          occurredAtMs: snapshotAtMs,
          ...(c.name === undefined ? {} : { name: c.name }),
          ...(c.role === undefined ? {} : { role: c.role }),
        }));
        const delivery: Delivery = {
          seq: 2_000_000 + options.runIndex,
          mode: 'original',
          event: {
            id: 2_000_000 + options.runIndex,
            label: `reconcile ${options.runIndex}`,
            // Not delivered over HTTP: the commands went to the queue above. The spec is never read.
            spec: {
              source: 'hr',
              webhookId: `reconcile-${options.runIndex}`,
              type: 'reconcile',
              timestampMs: snapshotAtMs,
              data: {},
            },
            commands,
            people: commands.map((c) => c.email),
          },
        };
        return { delivery, run: { snapshotAtMs, counts: plan.counts, sent, attempts: attempt } };
      } catch (error) {
        if (attempt >= 5) throw error;
        await new Promise((resolve) => setTimeout(resolve, 200 * attempt));
      }
    }
  } finally {
    await users.close();
  }
}
