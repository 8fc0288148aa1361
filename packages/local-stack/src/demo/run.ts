import type { UserRecord } from '@idp-sync/users-api-emulator';
import type { StackSecrets } from '../secrets';
import { send } from '../signing';
import { emulatorControl } from './emulator';
import { sourceRequests } from './requests';
import type { DemoOutcome, DemoScenario, DemoSource, DemoState, DemoStep } from './scenario';

/** The stack a demo runs against: its own, or one started elsewhere with `npm start`. */
export interface DemoTarget {
  readonly ingestUrl: string;
  readonly secrets: StackSecrets;
  readonly oktaAuthHeader?: string;
  /** The emulator's base URL (the demo never runs against the real Users API). */
  readonly emulatorUrl: string;
  /** Resolves once the queue has drained. */
  waitForDrain(): Promise<void>;
}

/** What one delivery got back. */
export interface StepResult {
  readonly source: DemoSource;
  readonly title: string;
  /** Undefined when the step could not be built (it depended on an earlier one that failed). */
  readonly status: number | undefined;
  readonly accepted: boolean;
  /** The answer's body, shortened, when it was not accepted. */
  readonly problem?: string;
}

export interface DemoRun extends Omit<DemoOutcome, 'deadLetters'> {
  readonly setup: readonly StepResult[];
  readonly steps: readonly StepResult[];
}

/**
 * Runs a scenario against a stack: seeds the emulator, sends the setup deliveries and waits for them to be applied,
 * takes the "before" snapshot and zeroes the Users API counters, sends every step in order (each signed just before it
 * goes), waits for the queue to drain, and takes the "after" snapshot. Only the scenario's own people (its email
 * domain) are in the snapshots.
 *
 * @example
 * const run = await runDemoScenario(target, demoScenario('acme.example'), (line) => console.log(line));
 */
export async function runDemoScenario(
  target: DemoTarget,
  scenario: DemoScenario,
  log: (line: string) => void = () => undefined,
): Promise<DemoRun> {
  const emulator = emulatorControl(target.emulatorUrl);
  const sources = sourceRequests({
    ingestUrl: target.ingestUrl,
    secrets: target.secrets,
    ...(target.oktaAuthHeader ? { oktaAuthHeader: target.oktaAuthHeader } : {}),
  });
  const state: DemoState = { scimIds: new Map() };
  const ours = (users: readonly UserRecord[]) => users.filter((u) => u.email.endsWith(`@${scenario.domain}`));

  async function run(step: DemoStep): Promise<StepResult> {
    const request = step.build(sources, state);
    if (!request) {
      log(`  ${step.source.padEnd(9)}${step.title} -> not sent (an earlier step it depends on failed)`);
      return { source: step.source, title: step.title, status: undefined, accepted: false };
    }
    const response = await send(request);
    const accepted = step.accept.includes(response.status);
    if (accepted) step.after?.(response, state);
    log(`  ${step.source.padEnd(9)}${step.title} -> ${response.status}`);
    return {
      source: step.source,
      title: step.title,
      status: response.status,
      accepted,
      ...(accepted ? {} : { problem: response.body.slice(0, 300) }),
    };
  }

  await emulator.seed(scenario.seed);
  log(`\nSetup: ${scenario.seed.length} people already in the Users API; what the directory provisioned earlier:`);
  const setup: StepResult[] = [];
  for (const step of scenario.setup) setup.push(await run(step));
  await target.waitForDrain();
  const before = ours(await emulator.users());
  await emulator.resetCounters();

  log('\nThe scenario, in order (HTTP status of each delivery):');
  const steps: StepResult[] = [];
  for (const step of scenario.steps) steps.push(await run(step));
  log('\nWaiting for the queue to drain…');
  await target.waitForDrain();
  const after = ours(await emulator.users());
  const counters = await emulator.counters();
  return { setup, steps, before, after, calls: counters.byOperation };
}
