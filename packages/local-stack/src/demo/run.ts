import type { UserRecord } from '@idp-sync/users-api-emulator';
import { LocalStackError } from '../errors';
import type { StackSecrets } from '../secrets';
import { send } from '../signing';
import { type EmulatorControl, emulatorControl } from './emulator';
import { sourceRequests } from './requests';
import type {
  DemoExpectation,
  DemoOutcome,
  DemoPerson,
  DemoScenario,
  DemoSource,
  DemoState,
  DemoStep,
} from './scenario';

/** The stack a demo runs against: its own, or one started elsewhere with `npm start`. */
export interface DemoTarget {
  readonly ingestUrl: string;
  readonly secrets: StackSecrets;
  readonly oktaAuthHeader?: string;
  /** The emulator's base URL (the demo never runs against the real Users API). */
  readonly emulatorUrl: string;
  /**
   * The (lower-cased) emails of the scenario's people with a message in the DLQ. Called every poll while the demo
   * waits: read the DLQ only when its depth changed.
   */
  deadLetteredEmails(): Promise<ReadonlySet<string>>;
}

/** How the demo waits for its people (defaults: 60 s, a look every 250 ms, a line every 3 s). */
export interface DemoWaitOptions {
  readonly timeoutMs?: number;
  readonly pollMs?: number;
  readonly progressEveryMs?: number;
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

const names = (people: readonly DemoPerson[]) => people.map((p) => p.name).join(', ');

function pendingList(pending: readonly DemoExpectation[], max = 4): string {
  const shown = pending.slice(0, max).map((e) => `${e.person.name} (${e.state})`);
  return pending.length > max ? `${shown.join(', ')} and ${pending.length - max} more` : shown.join(', ');
}

/**
 * Waits until each awaited person of the scenario is settled — in the state it expects, or with a message in the
 * DLQ — reading the emulator and the DLQ (never the stack's `/health`: other traffic on a shared stack, e.g.
 * messages retrying for minutes, is none of the demo's business). Says what it waits for, a line every few seconds.
 *
 * @throws LocalStackError naming who has not settled when the time is up.
 */
async function waitForPeople(
  target: DemoTarget,
  emulator: EmulatorControl,
  awaited: readonly DemoExpectation[],
  before: readonly UserRecord[],
  log: (line: string) => void,
  options: DemoWaitOptions,
): Promise<void> {
  const timeoutMs = options.timeoutMs ?? 60_000;
  const pollMs = options.pollMs ?? 250;
  const progressEveryMs = options.progressEveryMs ?? 3_000;
  const n = awaited.length;
  const started = Date.now();
  let lastLine = started;
  const byEmail = (users: readonly UserRecord[]) => new Map(users.map((u) => [u.email.toLowerCase(), u]));
  const earlier = byEmail(before);
  for (;;) {
    const [users, dead] = await Promise.all([emulator.users(), target.deadLetteredEmails()]);
    const now = byEmail(users);
    const pending = awaited.filter((e) => {
      const email = e.person.email.toLowerCase();
      return !dead.has(email) && !e.holds(now.get(email), earlier.get(email));
    });
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    if (pending.length === 0) {
      log(`  ${n}/${n} settled (${seconds} s)`);
      return;
    }
    if (Date.now() - started >= timeoutMs) {
      throw new LocalStackError(
        `after ${Math.round(timeoutMs / 1000)} s, ${pending.length} of the demo's ${n} people neither reached the state the scenario expects nor the DLQ: ${pendingList(pending, 13)}`,
        'their commands are still queued or being retried (a failing Users API call is retried for minutes before the DLQ, see MAX_RECEIVE_COUNT): read the stack’s console and `npx idp-sync dlq list`, then run the demo again',
      );
    }
    if (Date.now() - lastLine >= progressEveryMs) {
      lastLine = Date.now();
      log(`  ${n - pending.length}/${n} settled after ${seconds} s; waiting for ${pendingList(pending)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}

/** The expectations whose person had every delivery about them accepted (the others will not settle). */
function awaitable(
  expectations: readonly DemoExpectation[],
  results: readonly { step: DemoStep; result: StepResult }[],
  log: (line: string) => void,
): DemoExpectation[] {
  const refused = new Set(results.filter((r) => !r.result.accepted).flatMap((r) => r.step.people.map((p) => p.key)));
  const skipped = expectations.filter((e) => refused.has(e.person.key));
  if (skipped.length > 0) {
    log(`  not waiting for ${names(skipped.map((e) => e.person))}: a delivery about them was refused`);
  }
  return expectations.filter((e) => !refused.has(e.person.key));
}

/**
 * Runs a scenario against a stack: seeds the emulator, sends the setup deliveries and waits for their people, takes
 * the "before" snapshot and zeroes the Users API counters, sends every step in order (each signed just before it
 * goes), waits until each of its people is settled (the state the scenario expects, or the DLQ), and takes the
 * "after" snapshot. Only the scenario's own people (its email domain) are in the snapshots.
 *
 * @example
 * const run = await runDemoScenario(target, demoScenario('acme.example'), (line) => console.log(line));
 */
export async function runDemoScenario(
  target: DemoTarget,
  scenario: DemoScenario,
  log: (line: string) => void = () => undefined,
  waitOptions: DemoWaitOptions = {},
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
  const sent: { step: DemoStep; result: StepResult }[] = [];
  for (const step of scenario.setup) sent.push({ step, result: await run(step) });
  const setupAwaited = awaitable(scenario.expected.setup, sent, log);
  log(`Waiting for ${names(setupAwaited.map((e) => e.person)) || 'nobody'} to be provisioned…`);
  await waitForPeople(target, emulator, setupAwaited, [], log, waitOptions);
  const before = ours(await emulator.users());
  await emulator.resetCounters();

  log('\nThe scenario, in order (HTTP status of each delivery):');
  for (const step of scenario.steps) sent.push({ step, result: await run(step) });
  const awaited = awaitable(scenario.expected.steps, sent, log);
  log(
    `\nWaiting for the demo's own ${awaited.length} people (not the whole queue): each reaches the state the scenario expects, or the DLQ…`,
  );
  await waitForPeople(target, emulator, awaited, before, log, waitOptions);
  const setup = sent.slice(0, scenario.setup.length).map((s) => s.result);
  const steps = sent.slice(scenario.setup.length).map((s) => s.result);
  const after = ours(await emulator.users());
  const counters = await emulator.counters();
  return { setup, steps, before, after, calls: counters.byOperation };
}
